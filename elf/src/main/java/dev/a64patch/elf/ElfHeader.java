package dev.a64patch.elf;

/**
 * The ELF header (Elf32_Ehdr / Elf64_Ehdr) with unsigned fields widened. {@code phnum}, {@code
 * shnum} and {@code shstrndx} are the real values after gABI extended numbering (PN_XNUM,
 * SHN_XINDEX) has been resolved through section 0.
 */
public record ElfHeader(
    int elfClass, // e_ident[EI_CLASS]
    int data, // e_ident[EI_DATA]
    int osAbi, // e_ident[EI_OSABI]
    int type, // e_type
    int machine, // e_machine
    long entry, // e_entry
    long phoff, // e_phoff
    long shoff, // e_shoff
    long flags, // e_flags
    int ehsize, // e_ehsize
    int phentsize, // e_phentsize
    int phnum, // e_phnum, or section 0 sh_info when e_phnum == PN_XNUM
    int shentsize, // e_shentsize
    int shnum, // e_shnum, or section 0 sh_size when e_shnum == 0
    int shstrndx) { // e_shstrndx, or section 0 sh_link when it is SHN_XINDEX

  public boolean is64() {
    return elfClass == ElfConstants.ELFCLASS64;
  }

  public boolean isLittleEndian() {
    return data == ElfConstants.ELFDATA2LSB;
  }

  /** A short description such as "ELF64 LSB DYN AArch64". */
  public String describe() {
    return ElfNames.elfClass(elfClass)
        + (isLittleEndian() ? " LSB " : " MSB ")
        + ElfNames.fileType(type)
        + " "
        + ElfNames.machine(machine);
  }
}
