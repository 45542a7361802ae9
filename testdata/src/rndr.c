/* rndr: reads RNDR three times and RNDRRS once. Before each read the flags are set
 * to Z|C (cmp xzr, xzr: NZCV = 0x60000000); right after the read they are copied
 * with `mrs x1, nzcv`. A successful read clears them (NZCV 0x0); a failed one sets
 * Z (0x40000000). Prints, per read:
 *     R <value>        (RNDR)      or   RS <value>   (RNDRRS)
 *     NZCV 0x<hex>
 * then "ok"; exit 0. Without FEAT_RNG (AT_HWCAP2 lacks HWCAP2_RNG) it prints
 * "rndr unsupported" and exits 3 instead of dying with SIGILL; `rndr --force`
 * executes the reads anyway. qemu-aarch64 7.2's default cpu ("max") has FEAT_RNG. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include "sysreg.h"

#ifndef HWCAP2_RNG
#define HWCAP2_RNG (1UL << 16)
#endif

/* Rt = x0, flags copied through x1. */
KEEP uint64_t rndr_with_flags(uint64_t *nzcv)
{
    register uint64_t v __asm__("x0");
    register uint64_t f __asm__("x1");
    __asm__ __volatile__("cmp xzr, xzr\n\t"
                         "mrs %0, " R_RNDR "\n\t"
                         "mrs %1, nzcv"
                         : "=&r"(v), "=r"(f) : : "cc");
    *nzcv = f;
    return v;
}

/* Rt = x9 for RNDRRS. */
KEEP uint64_t rndrrs_with_flags(uint64_t *nzcv)
{
    register uint64_t v __asm__("x9");
    register uint64_t f __asm__("x1");
    __asm__ __volatile__("cmp xzr, xzr\n\t"
                         "mrs %0, " R_RNDRRS "\n\t"
                         "mrs %1, nzcv"
                         : "=&r"(v), "=r"(f) : : "cc");
    *nzcv = f;
    return v;
}

int main(int argc, char **argv)
{
    int force = argc == 2 && strcmp(argv[1], "--force") == 0;
    if (!force && !(getauxval(AT_HWCAP2) & HWCAP2_RNG)) {
        puts("rndr unsupported");
        return 3;
    }
    uint64_t f;
    for (int i = 0; i < 3; i++) {
        uint64_t v = rndr_with_flags(&f);
        printf("R %llu\nNZCV 0x%llx\n", (unsigned long long)v, (unsigned long long)f);
    }
    uint64_t v = rndrrs_with_flags(&f);
    printf("RS %llu\nNZCV 0x%llx\n", (unsigned long long)v, (unsigned long long)f);
    puts("ok");
    return 0;
}
