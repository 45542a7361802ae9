#include "cntlib.h"

uint64_t cntlib_ticks(void)
{
    register uint64_t v __asm__("x0");
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t cntlib_elapsed(void)
{
    register uint64_t a __asm__("x4");
    register uint64_t b __asm__("x5");
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(a));
    __asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(b));
    return b - a;
}
