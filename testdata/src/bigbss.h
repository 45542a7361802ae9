/* The large-.bss fixtures (built by the tests, core/.../testing/BigBss.java, never committed):
 * a PIE (bigbss.c) and a shared library (libbigbss.c, loaded by bigbss_main.c), each with more
 * than 200 MB of .bss. Their reads in .text lie more than 128 MiB below the end of the image,
 * beyond the reach of B from the segment a64patch appends; the read in .late_text, which
 * late.ld places in an R+X segment of its own after .bss, lies within reach. Each program
 * prints "T <label> <value>" lines (testdata's convention) and checks its .bss. */
#ifndef BIGBSS_H
#define BIGBSS_H
#include <stdint.h>
#include "sysreg.h"

#define BIG_BSS (210u << 20)

/* A read in .text, far from the new segment. */
static inline uint64_t read_far(void) {
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

/* A read after .bss, near the new segment. */
#define LATE __attribute__((noinline, used, section(".late_text")))
#define LATE_READ(name)              \
    LATE uint64_t name(void) {       \
        uint64_t v;                  \
        READ_SYSREG(v, R_CNTVCT);    \
        return v;                    \
    }
#endif
