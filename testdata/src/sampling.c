/* sampling [backtrace|unwind|none] [SAMPLES]
 * Takes SIGPROF every 2 ms of CPU time while calling the counter-reading loop of
 * sampling_loop.c, and in the handler unwinds the interrupted stack with glibc's
 * backtrace() (default) or libgcc's _Unwind_Backtrace ("unwind"). After SAMPLES
 * samples (default 400) it prints
 *   B <hex>          load base of the object holding the loop (0 when unknown)
 *   S <hex> <0|1>    per sample: interrupted pc, whether the unwind reached main
 *   N <count>
 * "none" takes no samples and runs the loop 1000 times (for debugger tests).
 * Exit 0. main lives in its own section so the handler knows its extent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unwind.h>

uint64_t sampling_leaf(void);
uint64_t sampling_frame(uint64_t n);

#define MAX_SAMPLES 4000
#define MAX_FRAMES 64

extern const char __start_sampling_main[], __stop_sampling_main[];

static struct { uint64_t pc; int reached; } samples[MAX_SAMPLES];
static volatile int taken;
static int wanted = 400;
static int use_unwind;

struct collect { void **frames; int n; };

static _Unwind_Reason_Code collect_one(struct _Unwind_Context *ctx, void *arg)
{
    struct collect *c = arg;
    if (c->n >= MAX_FRAMES)
        return _URC_END_OF_STACK;
    c->frames[c->n++] = (void *)_Unwind_GetIP(ctx);
    return _URC_NO_REASON;
}

static void on_prof(int sig, siginfo_t *si, void *ucv)
{
    (void)sig; (void)si;
    ucontext_t *uc = ucv;
    if (taken >= wanted)
        return;
    void *frames[MAX_FRAMES];
    int n;
    if (use_unwind) {
        struct collect c = { frames, 0 };
        _Unwind_Backtrace(collect_one, &c);
        n = c.n;
    } else {
        n = backtrace(frames, MAX_FRAMES);
    }
    int reached = 0;
    for (int i = 0; i < n; i++) {
        const char *p = frames[i];
        if (p > __start_sampling_main && p <= __stop_sampling_main)
            reached = 1;
    }
    samples[taken].pc = uc->uc_mcontext.pc;
    samples[taken].reached = reached;
    taken++;
}

__attribute__((section("sampling_main"), noinline))
int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "backtrace";
    if (argc > 2)
        wanted = atoi(argv[2]);
    if (wanted < 1 || wanted > MAX_SAMPLES)
        wanted = 400;
    uint64_t sink = 0;
    if (strcmp(mode, "none") == 0) {
        for (int i = 0; i < 1000; i++)
            sink += sampling_leaf() + sampling_frame(10);
        printf("done %d\n", (int)(sink & 1) | 1);
        return 0;
    }
    use_unwind = strcmp(mode, "unwind") == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_prof;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
    setitimer(ITIMER_PROF, &it, NULL);
    while (taken < wanted)
        sink += sampling_leaf() + sampling_frame(50);
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_PROF, &off, NULL);
    Dl_info info;
    uint64_t base = 0;
    if (dladdr((void *)sampling_frame, &info) && info.dli_fbase)
        base = (uint64_t)info.dli_fbase;
    printf("B %llx\n", (unsigned long long)base);
    for (int i = 0; i < taken; i++)
        printf("S %llx %d\n", (unsigned long long)samples[i].pc, samples[i].reached);
    printf("N %d\n", taken + (int)(sink & 0));
    return 0;
}
