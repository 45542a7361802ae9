/* clockshare LIBB
 * One clock per process: reads the counter in this executable, in libclockshare_a.so
 * (linked, found through DT_RUNPATH $ORIGIN) and in LIBB (a path to libclockshare_b.so,
 * dlopened RTLD_LOCAL), first once each in that order, then from 8 threads that each
 * take 250 rounds of (main, a, b, main) timestamps. Prints
 *     first main|a|b <value>    the three first reads, in call order
 *     order yes|no              within every thread, each value is larger than the one
 *                               before it, whichever object read it
 *     unique yes|no             no value was read twice in the whole process
 *     reads <n>                 values read (8 * 250 * 4 + 3)
 *     sum <hex>                 sum of all values modulo 2^64
 * and exits 0. dlopen/dlsym/pthread failure: message on stderr, exit 1. Usage: exit 64. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 250
#define PER_ROUND 4

uint64_t ca_now(void);
typedef uint64_t (*now_fn)(void);

static now_fn cb_now;
static uint64_t values[THREADS][ROUNDS * PER_ROUND];
static int ordered[THREADS];

static __attribute__((noinline)) uint64_t cm_now(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static void *run(void *arg)
{
    int t = (int)(intptr_t)arg;
    uint64_t *out = values[t];
    int ok = 1;
    for (int i = 0; i < ROUNDS; i++) {
        out[i * 4 + 0] = cm_now();
        out[i * 4 + 1] = ca_now();
        out[i * 4 + 2] = cb_now();
        out[i * 4 + 3] = cm_now();
    }
    for (int i = 1; i < ROUNDS * PER_ROUND; i++)
        if (out[i] <= out[i - 1])
            ok = 0;
    ordered[t] = ok;
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: clockshare LIBB\n");
        return 64;
    }
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "clockshare: %s\n", dlerror());
        return 1;
    }
    void *p = dlsym(h, "cb_now");
    if (!p) {
        fprintf(stderr, "clockshare: dlsym cb_now: %s\n", dlerror());
        return 1;
    }
    memcpy(&cb_now, &p, sizeof cb_now);
    uint64_t first[3];
    first[0] = cm_now();
    first[1] = ca_now();
    first[2] = cb_now();
    printf("first main %llu\nfirst a %llu\nfirst b %llu\n", (unsigned long long)first[0],
           (unsigned long long)first[1], (unsigned long long)first[2]);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        if (pthread_create(&th[t], NULL, run, (void *)(intptr_t)t) != 0) {
            fprintf(stderr, "clockshare: pthread_create failed\n");
            return 1;
        }
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    int order = 1;
    for (int t = 0; t < THREADS; t++)
        order &= ordered[t];
    size_t n = THREADS * ROUNDS * PER_ROUND;
    uint64_t *all = malloc((n + 3) * sizeof *all);
    if (!all)
        return 1;
    memcpy(all, values, n * sizeof *all);
    memcpy(all + n, first, sizeof first);
    n += 3;
    qsort(all, n, sizeof *all, cmp);
    int unique = 1;
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += all[i];
        if (i > 0 && all[i] == all[i - 1])
            unique = 0;
    }
    printf("order %s\nunique %s\nreads %zu\nsum %llx\n", order ? "yes" : "no", unique ? "yes" : "no",
           n, (unsigned long long)sum);
    free(all);
    return 0;
}
