/* spin N [CAP]: read CNTVCT_EL0 until it has advanced by at least N ticks from the
 * first read, then print "done" and exit 0. After CAP loop iterations (default
 * 1000000000) without getting there, print "gave up" and exit 2 (e.g. under the
 * `zero` strategy, where the counter never moves). The iteration count goes to
 * stderr ("iterations <k>"), stdout carries only "done" / "gave up".
 * Bad arguments: usage on stderr, exit 64. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "sysreg.h"

KEEP uint64_t spin_read(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0')
        return 0;
    *out = v;
    return 1;
}

int main(int argc, char **argv)
{
    uint64_t n, cap = 1000000000ULL;
    if (argc < 2 || argc > 3 || !parse_u64(argv[1], &n) || (argc == 3 && !parse_u64(argv[2], &cap))) {
        fprintf(stderr, "usage: spin N [CAP]\n");
        return 64;
    }
    uint64_t start = spin_read();
    uint64_t it = 0;
    for (;;) {
        uint64_t now;
        READ_SYSREG(now, R_CNTVCT);    /* the hot-loop read, inlined into main */
        it++;
        if (now - start >= n) {
            fprintf(stderr, "iterations %llu\n", (unsigned long long)it);
            puts("done");
            return 0;
        }
        if (it >= cap) {
            fprintf(stderr, "iterations %llu\n", (unsigned long long)it);
            puts("gave up");
            return 2;
        }
    }
}
