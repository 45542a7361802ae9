/* libtick.so: the library that reads the counter (level 3 of the chain chain -> libtop ->
 * libmid -> libtick). cl_tick() returns one CNTVCT_EL0 read. */
#include <stdint.h>
#include "../sysreg.h"

__attribute__((visibility("default"), noinline)) uint64_t cl_tick(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}
