/* Assembly part of the `counters` test program.
 *
 *   uint64_t counters_all_rt(uint64_t out[31]);
 *       Reads CNTVCT_EL0 into every general register x0..x30 (in that order) and
 *       once into xzr, stores the 31 values into out[0..30], returns 32 (the number
 *       of reads). Callee-saved registers, x18, x29 and x30 are saved and restored;
 *       the stack is only used below SP after SP was decremented.
 *   uint64_t counters_x16_x17(void);
 *       Two reads into the intra-procedure-call registers x16/x17 (the registers
 *       linker veneers clobber); returns x17 - x16 (>= 0).
 *   uint64_t counters_dic(void);
 *       Branches over a literal word 0xd53be040 (= `mrs x0, cntvct_el0`) placed in
 *       .text as data: the assembler brackets it with `$d` / `$x` mapping symbols.
 *       It is never executed; returns 42.
 *   orphan_read
 *       A plain label (STT_NOTYPE, no size) that is not inside any function symbol;
 *       callable as uint64_t orphan_read(void): one CNTVCT_EL0 read into x0.
 *   uint64_t counters_ecv_pair(void), uint64_t counters_pmu(void)
 *       Registers qemu-aarch64 cannot execute (SIGILL): CNTVCTSS_EL0 + CNTPCTSS_EL0,
 *       and PMCCNTR_EL0. Not called by default.
 */
#include "asm_common.h"

        .file   "counters_asm.S"   // else GNU ld names the temporary object in .symtab

        .text

ENTRY(counters_all_rt)
        sub     sp, sp, #368
        stp     x29, x30, [sp, #0]
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        stp     x18, x0,  [sp, #96]        // x0 = out
        mrs     x0,  cntvct_el0
        mrs     x1,  cntvct_el0
        mrs     x2,  cntvct_el0
        mrs     x3,  cntvct_el0
        mrs     x4,  cntvct_el0
        mrs     x5,  cntvct_el0
        mrs     x6,  cntvct_el0
        mrs     x7,  cntvct_el0
        mrs     x8,  cntvct_el0
        mrs     x9,  cntvct_el0
        mrs     x10, cntvct_el0
        mrs     x11, cntvct_el0
        mrs     x12, cntvct_el0
        mrs     x13, cntvct_el0
        mrs     x14, cntvct_el0
        mrs     x15, cntvct_el0
        mrs     x16, cntvct_el0
        mrs     x17, cntvct_el0
        mrs     x18, cntvct_el0
        mrs     x19, cntvct_el0
        mrs     x20, cntvct_el0
        mrs     x21, cntvct_el0
        mrs     x22, cntvct_el0
        mrs     x23, cntvct_el0
        mrs     x24, cntvct_el0
        mrs     x25, cntvct_el0
        mrs     x26, cntvct_el0
        mrs     x27, cntvct_el0
        mrs     x28, cntvct_el0
        mrs     x29, cntvct_el0
        mrs     x30, cntvct_el0
        mrs     xzr, cntvct_el0            // Rt = 31: no effect
        stp     x0,  x1,  [sp, #112]
        stp     x2,  x3,  [sp, #128]
        stp     x4,  x5,  [sp, #144]
        stp     x6,  x7,  [sp, #160]
        stp     x8,  x9,  [sp, #176]
        stp     x10, x11, [sp, #192]
        stp     x12, x13, [sp, #208]
        stp     x14, x15, [sp, #224]
        stp     x16, x17, [sp, #240]
        stp     x18, x19, [sp, #256]
        stp     x20, x21, [sp, #272]
        stp     x22, x23, [sp, #288]
        stp     x24, x25, [sp, #304]
        stp     x26, x27, [sp, #320]
        stp     x28, x29, [sp, #336]
        str     x30,      [sp, #352]
        ldr     x0, [sp, #104]             // out
        add     x3, sp, #112
        mov     x1, #0
1:      ldr     x2, [x3, x1, lsl #3]
        str     x2, [x0, x1, lsl #3]
        add     x1, x1, #1
        cmp     x1, #31
        b.ne    1b
        ldp     x18, x0,  [sp, #96]
        ldp     x27, x28, [sp, #80]
        ldp     x25, x26, [sp, #64]
        ldp     x23, x24, [sp, #48]
        ldp     x21, x22, [sp, #32]
        ldp     x19, x20, [sp, #16]
        ldp     x29, x30, [sp, #0]
        add     sp, sp, #368
        mov     x0, #32
        ret
END(counters_all_rt)

ENTRY(counters_x16_x17)
        mrs     x16, cntvct_el0
        mrs     x17, cntvct_el0
        sub     x0, x17, x16
        ret
END(counters_x16_x17)

ENTRY(counters_dic)
        b       1f
        .word   0xd53be040                 // data in code: `mrs x0, cntvct_el0` as data
1:      mov     x0, #42
        ret
END(counters_dic)

/* Not a function symbol: a bare global label between two functions. */
        .balign 16
        .globl  orphan_read
orphan_read:
        BTI_C
        mrs     x0, cntvct_el0
        ret

ENTRY(counters_ecv_pair)
        mrs     x1, CNTVCTSS_EL0
        mrs     x2, CNTPCTSS_EL0
        add     x0, x1, x2
        ret
END(counters_ecv_pair)

ENTRY(counters_pmu)
        mrs     x0, pmccntr_el0
        ret
END(counters_pmu)

GNU_PROPERTY_NOTE
        .section .note.GNU-stack, "", %progbits
