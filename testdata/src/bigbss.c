/* A PIE with more than 200 MB of .bss (see bigbss.h). */
#include <stdio.h>
#include "bigbss.h"

char big[BIG_BSS]; /* exported: the compiler cannot drop it */

LATE_READ(read_late)

int main(void) {
    big[0] = 1;
    big[BIG_BSS - 1] = 2;
    uint64_t far = read_far(), late1 = read_late(), late2 = read_late();
    printf("T far %llu\n", (unsigned long long)far);
    printf("T late1 %llu\n", (unsigned long long)late1);
    printf("T late2 %llu\n", (unsigned long long)late2);
    printf("bss %d %d\n", big[0], big[BIG_BSS - 1]);
    return 0;
}
