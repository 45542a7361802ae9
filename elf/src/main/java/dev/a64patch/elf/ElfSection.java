package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

/** One section header (Elf64_Shdr) with its name resolved through .shstrtab. */
public record ElfSection(
    int index,
    String name,
    long type, // sh_type
    long flags, // sh_flags
    long addr, // sh_addr
    long offset, // sh_offset
    long size, // sh_size
    long link, // sh_link
    long info, // sh_info
    long addralign, // sh_addralign
    long entsize) { // sh_entsize

  public boolean isExecutable() {
    return (flags & SHF_EXECINSTR) != 0;
  }

  public boolean isAlloc() {
    return (flags & SHF_ALLOC) != 0;
  }

  /** SHT_NOBITS sections (.bss) have a size but no bytes in the file. */
  public boolean hasFileData() {
    return type != SHT_NOBITS && type != SHT_NULL;
  }

  public boolean containsAddress(long address) {
    return Long.compareUnsigned(address, addr) >= 0
        && Long.compareUnsigned(address - addr, size) < 0;
  }

  @Override
  public String toString() {
    return String.format(
        "section %d (%s) offset 0x%x addr 0x%x size 0x%x",
        index, ElfNames.printable(name), offset, addr, size);
  }
}
