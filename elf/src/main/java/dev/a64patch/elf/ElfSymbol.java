package dev.a64patch.elf;

/** One symbol (Elf64_Sym) with its name resolved; st_info split into type and binding. */
public record ElfSymbol(
    String name,
    long value, // st_value
    long size, // st_size
    int type, // ELF64_ST_TYPE(st_info)
    int bind, // ELF64_ST_BIND(st_info)
    int visibility, // ELF64_ST_VISIBILITY(st_other)
    int shndx) {} // st_shndx
