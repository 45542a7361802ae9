/* libclockshare_a.so: one counter read, linked by clockshare. */
#include <stdint.h>

uint64_t ca_now(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}
