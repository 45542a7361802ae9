package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

/** One symbol (Elf64_Sym) with its name resolved; st_info split into type and binding. */
public record ElfSymbol(
    String name,
    long value, // st_value
    long size, // st_size
    int type, // ELF64_ST_TYPE(st_info)
    int bind, // ELF64_ST_BIND(st_info)
    int visibility, // ELF64_ST_VISIBILITY(st_other)
    int shndx) { // st_shndx

  public boolean isFunction() {
    return type == STT_FUNC || type == STT_GNU_IFUNC;
  }

  public boolean isDefined() {
    return shndx != SHN_UNDEF;
  }

  /**
   * AArch64 mapping symbols (aaelf64 "Mapping symbols"): {@code $x} starts A64 code and {@code $d}
   * starts data; both may carry a suffix after a dot ({@code $d.1}).
   */
  public boolean isMappingSymbol() {
    return name.length() >= 2
        && name.charAt(0) == '$'
        && (name.charAt(1) == 'x' || name.charAt(1) == 'd')
        && (name.length() == 2 || name.charAt(2) == '.');
  }

  /** For a mapping symbol: true when it starts a data region. */
  public boolean startsData() {
    return name.charAt(1) == 'd';
  }
}
