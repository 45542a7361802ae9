/* Reads that only evidence outside the symbol table can find, and data words in .text
 * that look like reads. No CFI, no .type/.size on the readers: once stripped
 * (--strip-all), nothing but the code itself says where they are.
 *
 *   void reach_run(uint64_t out[5]);
 *       out[0] = a read reached only by `bl`            (read_bl)
 *       out[1] = a read reached by a tail `b`           (read_tail)
 *       out[2] = a read reached through a function-pointer table in .data, whose
 *                entry is an R_AARCH64_RELATIVE relocation in PIE/shared/static-pie
 *                                                       (read_table)
 *       out[3] = a read whose address is taken by `adr` (read_adr)
 *       out[4] = 0 when every data word below reads back as assembled, else the
 *                number of the first check that failed
 *   Data words in .text (never executed), each equal to a counter-register read:
 *       a literal pool read by LDR (literal) of every width (pool_*), a table read by
 *       an indexed load after ADR (table_idx, compared with a copy in .rodata), a word
 *       read by ADRP+LDR (table_page), one read by ADR+LDR with an offset
 *       (table_off+4), and one word nothing reads, after a `ret` (lonely).
 * The labels read_* mark the four reads (the test finds them in .symtab of the
 * unstripped build; strip does not move code).
 */
        .file   "reach.S"
        .text

        .globl  reach_run
        .type   reach_run, %function
        .balign 16
reach_run:
        stp     x29, x30, [sp, #-32]!
        mov     x29, sp
        str     x19, [sp, #16]
        mov     x19, x0
        bl      tick_bl
        str     x0, [x19, #0]
        bl      tail_caller
        str     x0, [x19, #8]
        adrp    x1, fptable
        add     x1, x1, :lo12:fptable
        ldr     x2, [x1]
        blr     x2
        str     x0, [x19, #16]
        adr     x2, tick_adr
        blr     x2
        str     x0, [x19, #24]
        bl      check_data
        str     x0, [x19, #32]
        ldr     x19, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret
        .size   reach_run, .-reach_run

        .balign 16
tick_bl:
read_bl:
        mrs     x0, cntvct_el0
        ret

        .balign 16
tail_caller:
        mov     x1, #0
        b       tick_tail
        .balign 16
tick_tail:
        mov     x2, x1
read_tail:
        mrs     x3, cntvct_el0
        add     x0, x3, x2
        ret

        .balign 16
tick_table:
        mov     x1, #0
read_table:
        mrs     x9, cntvct_el0
        add     x0, x9, x1
        ret

        .balign 16
tick_adr:
        nop
read_adr:
        mrs     x17, cntvct_el0
        mov     x0, x17
        ret

/* check N: compare w1 with the 32-bit constant V, return N on mismatch */
.macro  SAME v, n
        movz    w2, #((\v) & 0xffff)
        movk    w2, #(((\v) >> 16) & 0xffff), lsl #16
        cmp     w1, w2
        mov     x0, #\n
        b.ne    99f
.endm

        .balign 16
check_data:
        ldr     w1, pool_vct
        SAME    0xd53be040, 1
        ldr     w1, pool_vctss
        SAME    0xd53be0c5, 2
        ldr     w1, pool_pct
        SAME    0xd53be02a, 3
        ldr     w1, pool_pctss
        SAME    0xd53be0af, 4
        ldr     w1, pool_frq
        SAME    0xd53be014, 5
        ldrsw   x1, pool_rndr
        SAME    0xd53b2419, 6
        ldr     x1, pool_pair                   // 8 bytes: RNDRRS and PMCCNTR_EL0
        SAME    0xd53b243e, 7
        lsr     x1, x1, #32
        SAME    0xd53b9d03, 8
        ldr     q0, pool_quad                   // 16 bytes: four CNTVCT_EL0 words
        umov    w1, v0.s[0]
        SAME    0xd53be041, 9
        umov    w1, v0.s[3]
        SAME    0xd53be044, 10
        adr     x3, table_idx
        adrp    x5, table_copy
        add     x5, x5, :lo12:table_copy
        mov     x4, #0
1:      ldr     w1, [x3, x4, lsl #2]
        ldr     w6, [x5, x4, lsl #2]
        cmp     w1, w6
        mov     x0, #11
        b.ne    99f
        add     x4, x4, #1
        cmp     x4, #8
        b.ne    1b
        adrp    x6, table_page
        ldr     w1, [x6, :lo12:table_page]
        SAME    0xd53be0c7, 12
        adr     x6, table_off
        ldr     w1, [x6, #4]
        SAME    0xd53be028, 13
        mov     x0, #0
99:     ret

        .balign 8
pool_vct:       .word   0xd53be040      // CNTVCT_EL0   x0
pool_vctss:     .word   0xd53be0c5      // CNTVCTSS_EL0 x5
pool_pct:       .word   0xd53be02a      // CNTPCT_EL0   x10
pool_pctss:     .word   0xd53be0af      // CNTPCTSS_EL0 x15
pool_frq:       .word   0xd53be014      // CNTFRQ_EL0   x20
pool_rndr:      .word   0xd53b2419      // RNDR         x25
pool_pair:      .word   0xd53b243e      // RNDRRS       x30
                .word   0xd53b9d03      // PMCCNTR_EL0  x3
        .balign 16
pool_quad:      .word   0xd53be041, 0xd53be042, 0xd53be043, 0xd53be044

        .balign 16
table_idx:
        .word   0xd53be040, 0xd53be0c1, 0xd53be022, 0xd53be0a3
        .word   0xd53be004, 0xd53b2405, 0xd53b2426, 0xd53b9d07
table_page:
        .word   0xd53be0c7
table_off:
        .word   0
        .word   0xd53be028

        .balign 16
lonely_fn:
        mov     x0, #7
        ret
lonely:
        .word   0xd53be04b                      // CNTVCT_EL0 x11: nothing reads or reaches it

        .section .rodata
        .balign 4
table_copy:
        .word   0xd53be040, 0xd53be0c1, 0xd53be022, 0xd53be0a3
        .word   0xd53be004, 0xd53b2405, 0xd53b2426, 0xd53b9d07

        .data
        .balign 8
fptable:
        .quad   tick_table

        .section .note.GNU-stack, "", %progbits
