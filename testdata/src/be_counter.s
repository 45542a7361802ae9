/* be-counter: big-endian AArch64 (aarch64_be, ELFDATA2MSB) static program, no libc.
 * Reads CNTVCT_EL0 twice (Rt = x19, x20), prints "be ok\n" if the second value is
 * >= the first (else "be bad\n"), exits 0 (1 if bad). Instructions are little-endian
 * even in a big-endian file; data (the message) is big-endian.
 * Runs with qemu-aarch64_be (no -L needed). */
        .text
        .globl  _start
        .type   _start, %function
_start:
        mrs     x19, cntvct_el0
        mrs     x20, cntvct_el0
        adr     x1, okmsg
        mov     x2, #6
        mov     x21, #0
        cmp     x20, x19
        b.hs    1f
        adr     x1, badmsg
        mov     x2, #7
        mov     x21, #1
1:      mov     x0, #1
        mov     x8, #64                 // write
        svc     #0
        mov     x0, x21
        mov     x8, #93                 // exit
        svc     #0
        .size   _start, .-_start

        .section .rodata
okmsg:  .ascii  "be ok\n"
badmsg: .ascii  "be bad\n"
        .section .note.GNU-stack, "", %progbits
