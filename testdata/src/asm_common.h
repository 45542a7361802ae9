/* Helpers shared by the AArch64 assembly sources (.S files, run through cpp).
 *
 * ENTRY/END  : a global function symbol with type and size, starting with a BTI C
 *              landing pad (`hint #34`: a NOP on CPUs without BTI), so the functions
 *              can be called through function pointers in BTI-enforcing builds.
 * GNU_PROPERTY_NOTE : emits .note.gnu.property with the AArch64 feature bits that
 *              the compiler advertises (-mbranch-protection=...), so that an object
 *              built from assembly does not switch BTI off in the linked output.
 *
 * Counter registers with no name in older assemblers are written by their
 * generic names:
 *   CNTVCTSS_EL0 = s3_3_c14_c0_6   CNTPCTSS_EL0 = s3_3_c14_c0_5
 *   RNDR         = s3_3_c2_c4_0    RNDRRS       = s3_3_c2_c4_1
 */
#ifndef ASM_COMMON_H
#define ASM_COMMON_H

#define CNTVCTSS_EL0 s3_3_c14_c0_6
#define CNTPCTSS_EL0 s3_3_c14_c0_5
#define RNDR_REG     s3_3_c2_c4_0
#define RNDRRS_REG   s3_3_c2_c4_1

#define BTI_C hint #34

#define ENTRY(name)             \
        .globl name;            \
        .type name, %function;  \
        .balign 16;             \
name:                           \
        BTI_C

#define END(name) .size name, .-name

#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#define GP_BTI 1
#else
#define GP_BTI 0
#endif
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT
#define GP_PAC 2
#else
#define GP_PAC 0
#endif

/* NT_GNU_PROPERTY_TYPE_0 note with GNU_PROPERTY_AARCH64_FEATURE_1_AND.
 * Emitted only when the compiler flags ask for BTI or PAC. */
#if GP_BTI || GP_PAC
#define GNU_PROPERTY_NOTE                               \
        .pushsection .note.gnu.property, "a";           \
        .balign 8;                                      \
        .long 4;                                        \
        .long 16;                                       \
        .long 5;                                        \
        .asciz "GNU";                                   \
        .long 0xc0000000;                               \
        .long 4;                                        \
        .long (GP_BTI | GP_PAC);                        \
        .long 0;                                        \
        .popsection
#else
#define GNU_PROPERTY_NOTE
#endif

#endif
