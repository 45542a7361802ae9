/* hello-x86_64: a valid ELF that is not AArch64 (EM_X86_64), for parser tests. */
#include <stdio.h>
int main(void) { puts("hello from x86-64"); return 0; }
