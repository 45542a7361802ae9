/* main for the reach fixtures: calls reach_run (reach.S, linked in or from libreach.so)
 * and prints
 *     T bl <v>
 *     T tail <v>
 *     T table <v>
 *     T adr <v>
 *     data ok                 (or "data BAD <n>", exit 1)
 * No CFI, like reach.S. */
        .file   "reach_main.S"
        .section .rodata
fmt:    .asciz  "T bl %llu\nT tail %llu\nT table %llu\nT adr %llu\n"
ok:     .asciz  "data ok"
bad:    .asciz  "data BAD %llu\n"

        .text
        .globl  main
        .type   main, %function
        .balign 16
main:
        stp     x29, x30, [sp, #-64]!
        mov     x29, sp
        add     x0, sp, #16
        bl      reach_run
        ldp     x1, x2, [sp, #16]
        ldp     x3, x4, [sp, #32]
        adrp    x0, fmt
        add     x0, x0, :lo12:fmt
        bl      printf
        ldr     x1, [sp, #48]
        cbnz    x1, 1f
        adrp    x0, ok
        add     x0, x0, :lo12:ok
        bl      puts
        mov     w0, #0
        b       2f
1:      adrp    x0, bad
        add     x0, x0, :lo12:bad
        bl      printf
        mov     w0, #1
2:      ldp     x29, x30, [sp], #64
        ret
        .size   main, .-main

        .section .note.GNU-stack, "", %progbits
