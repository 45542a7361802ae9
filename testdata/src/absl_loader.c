/* absl_loader LIB SYMBOL [N]
 * dlopens LIB, looks up SYMBOL as `int64_t (*)(void)` (meant for abseil's
 * absl::<inline-ns>::base_internal::UnscaledCycleClock::Now(), whose mangled name
 * is taken from LIB's .dynsym at test time), calls it N times (default 5), prints
 *     T call<i> <value>      (i = 0 .. N-1)
 * and "ok"; exit 0. dlopen/dlsym failure: message on stderr, exit 1.
 * Usage error: exit 64. Plain C on purpose: the loader itself needs only libc;
 * whatever LIB needs (libstdc++.so.6 for abseil) must be findable by ld.so. */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = 5;
    if (argc == 4) {
        char *end;
        n = strtol(argv[3], &end, 10);
        if (*argv[3] == '\0' || *end != '\0' || n < 0) {
            fprintf(stderr, "absl_loader: bad N %s\n", argv[3]);
            return 64;
        }
    } else if (argc != 3) {
        fprintf(stderr, "usage: absl_loader LIB SYMBOL [N]\n");
        return 64;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "absl_loader: %s\n", dlerror());
        return 1;
    }
    void *p = dlsym(h, argv[2]);
    if (!p) {
        fprintf(stderr, "absl_loader: dlsym %s: %s\n", argv[2], dlerror());
        return 1;
    }
    int64_t (*fn)(void);
    memcpy(&fn, &p, sizeof fn);
    for (long i = 0; i < n; i++)
        printf("T call%ld %" PRId64 "\n", i, fn());
    puts("ok");
    return 0;
}
