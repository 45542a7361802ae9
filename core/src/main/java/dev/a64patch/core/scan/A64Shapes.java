package dev.a64patch.core.scan;

/**
 * The few A64 instruction shapes the evidence pass needs, decoded from the word with masks (Arm ARM
 * C4.1 "A64 instruction set encoding"): direct branches and their targets, PC-relative address and
 * load forms, unconditional terminators, and a cheap test that rules out the encodings no
 * instruction uses. Pure functions; no table, no allocation.
 */
final class A64Shapes {
  private A64Shapes() {}

  /** Kinds of direct reference a word can make to another address. */
  enum Ref {
    B("b-target"),
    BL("bl-target"),
    BCOND("b.cond-target"),
    CBZ("cbz-target"),
    TBZ("tbz-target"),
    ADR("adr"),
    ADRP_ADD("adrp+add"),
    LDR_LITERAL("ldr-literal"),
    ADR_LDR("adr+ldr"),
    ADRP_LDR("adrp+ldr"),
    TABLE("indexed load");

    final String label;

    Ref(String label) {
      this.label = label;
    }

    boolean isData() {
      return this == LDR_LITERAL || this == ADR_LDR || this == ADRP_LDR || this == TABLE;
    }
  }

  static boolean isB(int w) {
    return (w & 0xFC000000) == 0x14000000;
  }

  static boolean isBl(int w) {
    return (w & 0xFC000000) == 0x94000000;
  }

  static long branch26(int w, long pc) {
    return pc + ((long) ((w << 6) >> 6) << 2);
  }

  static boolean isBcond(int w) {
    return (w & 0xFF000010) == 0x54000000;
  }

  /** CBZ/CBNZ (0x34/0x35, 0xB4/0xB5). */
  static boolean isCbz(int w) {
    return (w & 0x7E000000) == 0x34000000;
  }

  static long branch19(int w, long pc) {
    return pc + ((long) ((w << 8) >> 13) << 2);
  }

  /** TBZ/TBNZ (0x36/0x37, 0xB6/0xB7). */
  static boolean isTbz(int w) {
    return (w & 0x7E000000) == 0x36000000;
  }

  static long branch14(int w, long pc) {
    return pc + ((long) ((w << 13) >> 18) << 2);
  }

  static boolean isAdr(int w) {
    return (w & 0x9F000000) == 0x10000000;
  }

  static boolean isAdrp(int w) {
    return (w & 0x9F000000) == 0x90000000;
  }

  /** ADR: pc + imm; ADRP: page(pc) + imm << 12. */
  static long adrTarget(int w, long pc) {
    long imm = ((long) ((w << 8) >> 13) << 2) | ((w >>> 29) & 3);
    return isAdrp(w) ? (pc & ~0xFFFL) + (imm << 12) : pc + imm;
  }

  /** LDR (literal), LDRSW (literal), SIMD&FP LDR (literal); not PRFM. */
  static boolean isLdrLiteral(int w) {
    return (w & 0x3B000000) == 0x18000000 && !((w >>> 30) == 3 && (w & 0x04000000) == 0);
  }

  /** Bytes an LDR (literal) reads: 4, 8 or 16. */
  static int ldrLiteralSize(int w) {
    int opc = w >>> 30;
    boolean simd = (w & 0x04000000) != 0;
    return switch (opc) {
      case 0 -> 4;
      case 1 -> 8;
      default -> simd ? 16 : 4; // opc 2: LDRSW (4 bytes) or LDR Qt (16)
    };
  }

  /** ADD (immediate), 64-bit: {@code add xd, xn, #imm{, lsl 12}}. */
  static boolean isAddImm64(int w) {
    return (w & 0xFF800000) == 0x91000000;
  }

  static long addImm(int w) {
    long imm = (w >>> 10) & 0xFFF;
    return ((w >>> 22) & 1) == 1 ? imm << 12 : imm;
  }

  static int rd(int w) {
    return w & 31;
  }

  static int rn(int w) {
    return (w >>> 5) & 31;
  }

  /**
   * Load register (unsigned immediate), integer and SIMD&FP: {@code ldr{b,h,sw,...} t, [xn, #imm]};
   * returns the access size in bytes, or 0 when {@code w} is no such load.
   */
  static int loadUnsignedImmSize(int w) {
    if ((w & 0x3B000000) != 0x39000000) {
      return 0;
    }
    int opc = (w >>> 22) & 3;
    int size = w >>> 30;
    boolean simd = (w & 0x04000000) != 0;
    if (simd) {
      return opc == 1 ? 1 << size : (opc == 3 && size == 0 ? 16 : 0);
    }
    return opc == 0 || (size == 3 && opc >= 2) ? 0 : 1 << size; // stores and PRFM: 0
  }

  static long loadUnsignedImmOffset(int w, int size) {
    return ((w >>> 10) & 0xFFFL) * size;
  }

  /** Load register (register offset), integer or SIMD&FP: a table lookup by index. */
  static boolean isLoadRegisterOffset(int w) {
    return (w & 0x3B200C00) == 0x38200800 && ((w >>> 22) & 3) != 0;
  }

  /**
   * An instruction after which control never falls through: B, BR/RET/ERET and their authenticated
   * forms (not BLR), BRK, HLT.
   */
  static boolean isTerminator(int w) {
    if (isB(w)) {
      return true;
    }
    if ((w & 0xFE000000) == 0xD6000000) {
      return ((w >>> 21) & 0xF) != 1; // opc 1 = BLR*: the call returns
    }
    return (w & 0xFFE0001F) == 0xD4200000 || (w & 0xFFE0001F) == 0xD4400000;
  }

  /**
   * False for words no A64 instruction encodes: op0 (bits 28..25) 0000 (UDF, small integers,
   * pointers' high halves), 0001 and 0011 (unallocated). Catches most data without a disassembler.
   */
  static boolean plausible(int w) {
    int op0 = (w >>> 25) & 0xF;
    return op0 != 0 && op0 != 1 && op0 != 3;
  }
}
