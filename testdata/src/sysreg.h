/* Counter-register reads for the C test programs.
 *
 * READ_SYSREG(v, "reg") reads a system register into a variable. To pin the
 * destination register (Rt), declare the variable as
 *     register uint64_t v __asm__("x9");
 * Registers without names in older toolchains are written generically:
 *     CNTVCTSS_EL0 s3_3_c14_c0_6, CNTPCTSS_EL0 s3_3_c14_c0_5,
 *     RNDR s3_3_c2_c4_0, RNDRRS s3_3_c2_c4_1.
 */
#ifndef SYSREG_H
#define SYSREG_H
#include <stdint.h>

#define R_CNTVCT   "cntvct_el0"
#define R_CNTVCTSS "s3_3_c14_c0_6"
#define R_CNTPCT   "cntpct_el0"
#define R_CNTPCTSS "s3_3_c14_c0_5"
#define R_CNTFRQ   "cntfrq_el0"
#define R_RNDR     "s3_3_c2_c4_0"
#define R_RNDRRS   "s3_3_c2_c4_1"
#define R_PMCCNTR  "pmccntr_el0"

#define READ_SYSREG(v, reg) __asm__ __volatile__("mrs %0, " reg : "=r"(v))

/* Keep a function as an out-of-line symbol even when it is only reached
 * through a function-pointer table. */
#define KEEP __attribute__((used, noinline))

#endif
