package dev.a64patch.elf;

/**
 * Value tables from the gABI and the AArch64 ELF ABI (aaelf64), as plain constants so they can be
 * used in switches. Names follow the specifications exactly.
 */
public final class ElfConstants {
  private ElfConstants() {}

  // e_ident
  public static final int EI_NIDENT = 16;
  public static final int ELFCLASS32 = 1;
  public static final int ELFCLASS64 = 2;
  public static final int ELFDATA2LSB = 1;
  public static final int ELFDATA2MSB = 2;
  public static final int EV_CURRENT = 1;

  // e_type
  public static final int ET_NONE = 0;
  public static final int ET_REL = 1;
  public static final int ET_EXEC = 2;
  public static final int ET_DYN = 3;
  public static final int ET_CORE = 4;

  // e_machine (the few a64patch names in messages)
  public static final int EM_386 = 3;
  public static final int EM_ARM = 40;
  public static final int EM_X86_64 = 62;
  public static final int EM_AARCH64 = 183;
  public static final int EM_RISCV = 243;

  // Extended numbering (gABI "Sections": values that do not fit e_phnum/e_shnum/e_shstrndx)
  public static final int PN_XNUM = 0xffff;
  public static final int SHN_UNDEF = 0;
  public static final int SHN_LORESERVE = 0xff00;
  public static final int SHN_ABS = 0xfff1;
  public static final int SHN_COMMON = 0xfff2;
  public static final int SHN_XINDEX = 0xffff;

  // p_type
  public static final long PT_NULL = 0;
  public static final long PT_LOAD = 1;
  public static final long PT_DYNAMIC = 2;
  public static final long PT_INTERP = 3;
  public static final long PT_NOTE = 4;
  public static final long PT_SHLIB = 5;
  public static final long PT_PHDR = 6;
  public static final long PT_TLS = 7;
  public static final long PT_GNU_EH_FRAME = 0x6474e550L;
  public static final long PT_GNU_STACK = 0x6474e551L;
  public static final long PT_GNU_RELRO = 0x6474e552L;
  public static final long PT_GNU_PROPERTY = 0x6474e553L;
  public static final long PT_AARCH64_MEMTAG_MTE = 0x70000002L;

  // p_flags
  public static final int PF_X = 1;
  public static final int PF_W = 2;
  public static final int PF_R = 4;

  // sh_type
  public static final long SHT_NULL = 0;
  public static final long SHT_PROGBITS = 1;
  public static final long SHT_SYMTAB = 2;
  public static final long SHT_STRTAB = 3;
  public static final long SHT_RELA = 4;
  public static final long SHT_HASH = 5;
  public static final long SHT_DYNAMIC = 6;
  public static final long SHT_NOTE = 7;
  public static final long SHT_NOBITS = 8;
  public static final long SHT_REL = 9;
  public static final long SHT_DYNSYM = 11;
  public static final long SHT_INIT_ARRAY = 14;
  public static final long SHT_FINI_ARRAY = 15;
  public static final long SHT_SYMTAB_SHNDX = 18;
  public static final long SHT_GNU_HASH = 0x6ffffff6L;

  // sh_flags
  public static final long SHF_WRITE = 0x1;
  public static final long SHF_ALLOC = 0x2;
  public static final long SHF_EXECINSTR = 0x4;

  // st_info
  public static final int STT_NOTYPE = 0;
  public static final int STT_OBJECT = 1;
  public static final int STT_FUNC = 2;
  public static final int STT_SECTION = 3;
  public static final int STT_FILE = 4;
  public static final int STT_TLS = 6;
  public static final int STT_GNU_IFUNC = 10;
  public static final int STB_LOCAL = 0;
  public static final int STB_GLOBAL = 1;
  public static final int STB_WEAK = 2;

  // d_tag
  public static final long DT_NULL = 0;
  public static final long DT_NEEDED = 1;
  public static final long DT_HASH = 4;
  public static final long DT_STRTAB = 5;
  public static final long DT_SYMTAB = 6;
  public static final long DT_PLTRELSZ = 2;
  public static final long DT_RELA = 7;
  public static final long DT_RELASZ = 8;
  public static final long DT_RELAENT = 9;
  public static final long DT_STRSZ = 10;
  public static final long DT_JMPREL = 23;
  public static final long DT_VERSYM = 0x6ffffff0L;
  public static final long DT_SYMENT = 11;
  public static final long DT_SONAME = 14;
  public static final long DT_RPATH = 15;
  public static final long DT_RUNPATH = 29;
  public static final long DT_FLAGS_1 = 0x6ffffffbL;
  public static final long DF_1_NODEFLIB = 0x00000800L;
  public static final long DF_1_PIE = 0x08000000L;

  // r_info types (aaelf64 "Dynamic relocations")
  public static final long R_AARCH64_GLOB_DAT = 1025;

  // Notes
  public static final long NT_GNU_PROPERTY_TYPE_0 = 5;
  public static final long GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000L;
  public static final long GNU_PROPERTY_AARCH64_FEATURE_1_BTI = 1;
  public static final long GNU_PROPERTY_AARCH64_FEATURE_1_PAC = 2;
}
