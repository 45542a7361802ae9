/* cntapp: reads CNTVCT_EL0 itself (Rt = x9) and through libcntlib.so.
 * Output: "T app <v>", "T lib <v>", "T elapsed <v>", "ordered yes|no", "ok"; exit 0. */
#include <stdint.h>
#include <stdio.h>
#include "cntlib.h"

static uint64_t app_ticks(void)
{
    register uint64_t v __asm__("x9");
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

int main(void)
{
    uint64_t a = app_ticks();
    uint64_t l = cntlib_ticks();
    uint64_t e = cntlib_elapsed();
    printf("T app %llu\n", (unsigned long long)a);
    printf("T lib %llu\n", (unsigned long long)l);
    printf("T elapsed %llu\n", (unsigned long long)e);
    printf("ordered %s\n", a <= l ? "yes" : "no");
    puts("ok");
    return 0;
}
