@ hello-arm32: a 32-bit ARM (ELFCLASS32, EM_ARM) static program, for parser tests.
@ Prints "hello from arm32" with write(2) and exits 0 (runs with qemu-arm).
@ Contains the word 0xd53be040 in .rodata: an AArch64 counter read pattern that a
@ scanner must not report in a non-AArch64 file (it must reject the file first).
        .syntax unified
        .arm
        .text
        .globl  _start
_start:
        mov     r0, #1
        ldr     r1, =msg
        mov     r2, #len
        mov     r7, #4          @ write
        svc     #0
        mov     r0, #0
        mov     r7, #1          @ exit
        svc     #0
        .ltorg
        .section .rodata
msg:    .ascii  "hello from arm32\n"
        .equ    len, . - msg
        .balign 4
        .word   0xd53be040
