package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

/** Human-readable names for values, as readelf prints them. Kept apart from the value tables. */
public final class ElfNames {
  private ElfNames() {}

  public static String machine(int eMachine) {
    return switch (eMachine) {
      case EM_386 -> "Intel 80386";
      case EM_ARM -> "ARM (32-bit)";
      case EM_X86_64 -> "x86-64";
      case EM_AARCH64 -> "AArch64";
      case EM_RISCV -> "RISC-V";
      case 0 -> "none";
      default -> "machine " + eMachine;
    };
  }

  public static String elfClass(int eiClass) {
    return switch (eiClass) {
      case ELFCLASS32 -> "ELF32";
      case ELFCLASS64 -> "ELF64";
      default -> "class " + eiClass;
    };
  }

  public static String fileType(int eType) {
    return switch (eType) {
      case ET_REL -> "REL";
      case ET_EXEC -> "EXEC";
      case ET_DYN -> "DYN";
      case ET_CORE -> "CORE";
      default -> "type " + eType;
    };
  }

  public static String segmentType(long pType) {
    if (pType == PT_NULL) return "NULL";
    if (pType == PT_LOAD) return "LOAD";
    if (pType == PT_DYNAMIC) return "DYNAMIC";
    if (pType == PT_INTERP) return "INTERP";
    if (pType == PT_NOTE) return "NOTE";
    if (pType == PT_SHLIB) return "SHLIB";
    if (pType == PT_PHDR) return "PHDR";
    if (pType == PT_TLS) return "TLS";
    if (pType == PT_GNU_EH_FRAME) return "GNU_EH_FRAME";
    if (pType == PT_GNU_STACK) return "GNU_STACK";
    if (pType == PT_GNU_RELRO) return "GNU_RELRO";
    if (pType == PT_GNU_PROPERTY) return "GNU_PROPERTY";
    if (pType == PT_AARCH64_MEMTAG_MTE) return "AARCH64_MEMTAG_MTE";
    return String.format("0x%x", pType);
  }

  public static String segmentFlags(int pFlags) {
    return ((pFlags & PF_R) != 0 ? "R" : "")
        + ((pFlags & PF_W) != 0 ? "W" : "")
        + ((pFlags & PF_X) != 0 ? "E" : "");
  }

  /**
   * {@code s} with control characters written as {@code \xNN}: names read from a file may hold
   * anything, and a message naming them must stay one line.
   */
  public static String printable(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (b == null) {
          b = new StringBuilder(s.length() + 8).append(s, 0, i);
        }
        b.append(String.format("\\x%02x", (int) c));
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? s : b.toString();
  }
}
