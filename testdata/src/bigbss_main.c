/* Loads libbigbss.so (linked with rpath $ORIGIN) and prints what it reads (see bigbss.h). */
#include <stdint.h>
#include <stdio.h>

uint64_t lib_read_far(void);
uint64_t lib_read_late(void);
int lib_bss(void);

int main(void) {
    uint64_t far = lib_read_far(), late1 = lib_read_late(), late2 = lib_read_late();
    printf("T far %llu\n", (unsigned long long)far);
    printf("T late1 %llu\n", (unsigned long long)late1);
    printf("T late2 %llu\n", (unsigned long long)late2);
    printf("bss %d\n", lib_bss());
    return 0;
}
