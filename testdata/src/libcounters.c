/* libcounters.so: exported counter readers, for dlopen tests.
 *   lc_vct_x0      one CNTVCT_EL0 read, Rt = x0
 *   lc_vct_x9      one CNTVCT_EL0 read, Rt = x9
 *   lc_vct_pair    two CNTVCT_EL0 reads (Rt = x2, x19), returns second - first
 *   lc_frq         CNTFRQ_EL0
 *   lc_pct_x0      CNTPCT_EL0, Rt = x0   (SIGILL under qemu-aarch64 7.2)
 *   lc_pct_x17     CNTPCT_EL0, Rt = x17  (SIGILL under qemu-aarch64 7.2)
 * All are `uint64_t f(void)`. */
#include <stdint.h>
#include "sysreg.h"

#define EXPORT __attribute__((visibility("default"), noinline))

EXPORT uint64_t lc_vct_x0(void)
{
    register uint64_t v __asm__("x0");
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

EXPORT uint64_t lc_vct_x9(void)
{
    register uint64_t v __asm__("x9");
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

EXPORT uint64_t lc_vct_pair(void)
{
    register uint64_t a __asm__("x2");
    register uint64_t b __asm__("x19");
    READ_SYSREG(a, R_CNTVCT);
    READ_SYSREG(b, R_CNTVCT);
    return b - a;
}

EXPORT uint64_t lc_frq(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTFRQ);
    return v;
}

EXPORT uint64_t lc_pct_x0(void)
{
    register uint64_t v __asm__("x0");
    READ_SYSREG(v, R_CNTPCT);
    return v;
}

EXPORT uint64_t lc_pct_x17(void)
{
    register uint64_t v __asm__("x17");
    READ_SYSREG(v, R_CNTPCT);
    return v;
}
