/* One source, several closure test programs (build.sh picks the parts with -D):
 *   USE_TOP    calls cl_top() (libtop -> libmid -> libtick)
 *   USE_MID    calls cl_mid() (libmid -> libtick)
 *   USE_TICK   calls cl_tick() (libtick)
 *   USE_EXTRA  calls cl_extra() (libextra)
 *   USE_PLAIN  calls cl_plain() (libplain, no reads)
 *   SELF_READ  reads CNTVCT_EL0 itself
 *   DLOPEN     dlopen("libplugin.so") by name, calls cl_plugin()
 * Prints T lines three times, then the MAP lines and "ok" (see show.h); exit 0.
 * A missing library or symbol: message on stderr, exit 1. */
#include <stdint.h>
#include "show.h"
#include "../sysreg.h"
#ifdef DLOPEN
#include <dlfcn.h>
#endif

uint64_t cl_top(void);
uint64_t cl_mid(void);
uint64_t cl_tick(void);
uint64_t cl_extra(void);
int cl_plain(void);

int main(void)
{
#ifdef DLOPEN
    void *h = dlopen("libplugin.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "prog: %s\n", dlerror());
        return 1;
    }
    uint64_t (*plugin)(void);
    void *p = dlsym(h, "cl_plugin");
    if (!p) {
        fprintf(stderr, "prog: %s\n", dlerror());
        return 1;
    }
    memcpy(&plugin, &p, sizeof plugin);
#endif
    for (int i = 0; i < 3; i++) {
#ifdef USE_TOP
        show("top", cl_top());
#endif
#ifdef USE_MID
        show("mid", cl_mid());
#endif
#ifdef USE_TICK
        show("tick", cl_tick());
#endif
#ifdef USE_EXTRA
        show("extra", cl_extra());
#endif
#ifdef SELF_READ
        uint64_t v;
        READ_SYSREG(v, R_CNTVCT);
        show("self", v);
#endif
#ifdef DLOPEN
        show("plugin", plugin());
#endif
    }
#ifdef USE_PLAIN
    printf("plain %d\n", cl_plain());
#endif
    show_maps();
    printf("ok\n");
    return 0;
}
