/* sleep100: reads CNTFRQ_EL0 and CNTVCT_EL0, sleeps 100 ms (nanosleep), reads
 * CNTVCT_EL0 again, and prints
 *     F <freq>
 *     T start <ticks>
 *     T end <ticks>
 *     D <end - start>
 *     MS <(end - start) * 1000 / freq>
 * Exit 0 (exit 1 if nanosleep fails or freq is 0). Unpatched and under the `clock`
 * strategy MS is about 100 (>= 100 unless the clock misbehaves). */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <errno.h>
#include "sysreg.h"

KEEP uint64_t read_freq(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTFRQ);
    return v;
}

KEEP uint64_t read_ticks(void)
{
    uint64_t v;
    READ_SYSREG(v, R_CNTVCT);
    return v;
}

int main(void)
{
    uint64_t freq = read_freq();
    uint64_t start = read_ticks();
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    while (nanosleep(&ts, &ts) != 0) {
        if (errno != EINTR) {          /* EINTR: sleep the rest */
            perror("nanosleep");
            return 1;
        }
    }
    uint64_t end = read_ticks();
    printf("F %llu\n", (unsigned long long)freq);
    printf("T start %llu\n", (unsigned long long)start);
    printf("T end %llu\n", (unsigned long long)end);
    uint64_t d = end - start;
    printf("D %llu\n", (unsigned long long)d);
    if (freq == 0) {
        puts("MS undefined");
        return 1;
    }
    printf("MS %llu\n", (unsigned long long)((unsigned __int128)d * 1000 / freq));
    return 0;
}
