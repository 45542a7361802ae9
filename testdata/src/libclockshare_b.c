/* libclockshare_b.so: one counter read, dlopened RTLD_LOCAL by clockshare. */
#include <stdint.h>

uint64_t cb_now(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}
