/* _start for the BTI variants (linked with -nostartfiles).
 *
 * Debian 12's glibc start files (crt1.o/Scrt1.o, crti.o, crtn.o) and GCC's
 * crtbegin*.o/crtend*.o carry no GNU property note and no BTI landing pads. An
 * executable forced to BTI with -z force-bti then dies at once with SIGILL on a
 * BTI-enforcing CPU (qemu's default cpu "max" is one): ld.so enters _start with
 * `br x16`, and _start starts with a plain `nop`. This file replaces those start
 * files: the same code as glibc's sysdeps/aarch64/start.S (glibc >= 2.34: init and
 * fini are passed as 0, ld.so runs the init/fini arrays), plus a BTI landing pad
 * and the property note, so the linked program is really BTI-marked and runs with
 * BTI enforced. No .init/.fini sections (no DT_INIT/DT_FINI) are produced.
 */
#include "asm_common.h"

        .file   "start_bti.S"      // else GNU ld names the temporary object in .symtab

        .text
        .globl  _start
        .type   _start, %function
_start:
        BTI_C
        mov     x29, #0
        mov     x30, #0
        mov     x5, x0                  // rtld_fini from the dynamic linker
        ldr     x1, [sp]                // argc
        add     x2, sp, #8              // argv
        mov     x6, sp                  // stack_end
        adrp    x0, :got:main
        ldr     x0, [x0, #:got_lo12:main]
        mov     x3, #0                  // init (unused since glibc 2.34)
        mov     x4, #0                  // fini (unused since glibc 2.34)
        bl      __libc_start_main
        bl      abort
        .size   _start, .-_start

        .section .rodata
        .balign 4
        .globl  _IO_stdin_used
        .type   _IO_stdin_used, %object
        .size   _IO_stdin_used, 4
_IO_stdin_used:
        .long   0x20001

GNU_PROPERTY_NOTE
        .section .note.GNU-stack, "", %progbits
