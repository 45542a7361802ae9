/* A shared library with more than 200 MB of .bss (see bigbss.h). */
#include "bigbss.h"

char lib_big[BIG_BSS]; /* exported: the compiler cannot drop it */

LATE_READ(lib_read_late)

uint64_t lib_read_far(void) { return read_far(); }

int lib_bss(void) {
    lib_big[0] = 3;
    lib_big[BIG_BSS - 1] = 4;
    return lib_big[0] * 10 + lib_big[BIG_BSS - 1];
}
