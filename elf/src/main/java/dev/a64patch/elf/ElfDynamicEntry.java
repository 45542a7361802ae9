package dev.a64patch.elf;

/** One entry of the dynamic array (Elf64_Dyn). */
public record ElfDynamicEntry(long tag, long value) {}
