/* The hot loop of the sampling test (see sampling.c): two functions that read
 * CNTVCT_EL0 over and over, built into the sampling executable or into
 * libsampling.so.
 *   sampling_leaf   a leaf: the read happens with CFA = SP and the return
 *                   address still in x30
 *   sampling_frame  a function with a frame (x29/x30 and callee-saved registers
 *                   stored, return address signed under -mbranch-protection)
 *                   that reads the counter between calls */
#include <stdint.h>
#include "sysreg.h"

#define EXPORT __attribute__((visibility("default"), noinline))

static uint64_t mix_impl(uint64_t v) { return v * 0x9E3779B97F4A7C15ull >> 7; }
/* Called through a volatile pointer so sampling_frame cannot inline it and must
 * keep a frame. */
static uint64_t (*volatile mix)(uint64_t) = mix_impl;

EXPORT uint64_t sampling_leaf(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

EXPORT uint64_t sampling_frame(uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        READ_SYSREG(v, R_CNTVCT);
        s += mix(v ^ s);
    }
    return s;
}
