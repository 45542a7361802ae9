/* dlopen_counters LIB [--pct]
 * dlopens LIB (a path to libcounters.so or a patched copy), calls lc_vct_x0,
 * lc_vct_x9 and lc_vct_pair three times each and lc_frq once, and prints
 *     T <symbol>.<i> <value>
 * for each call, then "vct monotonic yes|no" (lc_vct_x0/x9 values, in call order,
 * never decrease) and "ok"; exit 0. With --pct it also calls lc_pct_x0 and
 * lc_pct_x17 (CNTPCT_EL0: SIGILL under qemu-aarch64 7.2 unless patched).
 * dlopen/dlsym failure: message on stderr, exit 1. Usage error: exit 64. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t (*fn_t)(void);

static fn_t sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) {
        fprintf(stderr, "dlopen_counters: dlsym %s: %s\n", name, dlerror());
        return NULL;
    }
    fn_t f;
    memcpy(&f, &p, sizeof f);
    return f;
}

int main(int argc, char **argv)
{
    int pct = 0;
    if (argc == 3 && strcmp(argv[2], "--pct") == 0)
        pct = 1;
    else if (argc != 2) {
        fprintf(stderr, "usage: dlopen_counters LIB [--pct]\n");
        return 64;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen_counters: %s\n", dlerror());
        return 1;
    }
    fn_t x0 = sym(h, "lc_vct_x0"), x9 = sym(h, "lc_vct_x9"), pair = sym(h, "lc_vct_pair");
    fn_t frq = sym(h, "lc_frq");
    if (!x0 || !x9 || !pair || !frq)
        return 1;
    uint64_t last = 0;
    int mono = 1;
    for (int i = 0; i < 3; i++) {
        uint64_t a = x0();
        uint64_t b = x9();
        uint64_t d = pair();
        printf("T lc_vct_x0.%d %llu\n", i, (unsigned long long)a);
        printf("T lc_vct_x9.%d %llu\n", i, (unsigned long long)b);
        printf("T lc_vct_pair.%d %llu\n", i, (unsigned long long)d);
        if (a < last || b < a)
            mono = 0;
        last = b;
    }
    printf("T lc_frq.0 %llu\n", (unsigned long long)frq());
    if (pct) {
        fn_t p0 = sym(h, "lc_pct_x0"), p17 = sym(h, "lc_pct_x17");
        if (!p0 || !p17)
            return 1;
        printf("T lc_pct_x0.0 %llu\n", (unsigned long long)p0());
        printf("T lc_pct_x17.0 %llu\n", (unsigned long long)p17());
    }
    printf("vct monotonic %s\n", mono ? "yes" : "no");
    puts("ok");
    return 0;
}
