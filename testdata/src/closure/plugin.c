/* libplugin.so: loaded with dlopen by plugin-host; reads the counter and needs libtick.so. */
#include <stdint.h>
#include "../sysreg.h"
uint64_t cl_tick(void);

__attribute__((visibility("default"), noinline)) uint64_t cl_plugin(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v + cl_tick();
}
