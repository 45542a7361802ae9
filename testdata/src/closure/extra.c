/* libextra.so: reads the counter; lives where only --library-path finds it. */
#include <stdint.h>
#include "../sysreg.h"

__attribute__((visibility("default"), noinline)) uint64_t cl_extra(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}
