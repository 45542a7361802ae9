package dev.a64patch.core.cfi;

/**
 * DWARF call-frame constants as AArch64 objects use them (DWARF 5 §6.4, LSB 5.0 "Exception Frames",
 * "DWARF for the Arm 64-bit Architecture" for the register numbers and the RA sign state).
 */
public final class Dwarf {
  private Dwarf() {}

  // Pointer encodings (DW_EH_PE_*): low nibble is the format, bits 4-6 the application.
  public static final int PE_ABSPTR = 0x00;
  public static final int PE_ULEB128 = 0x01;
  public static final int PE_UDATA2 = 0x02;
  public static final int PE_UDATA4 = 0x03;
  public static final int PE_UDATA8 = 0x04;
  public static final int PE_SLEB128 = 0x09;
  public static final int PE_SDATA2 = 0x0a;
  public static final int PE_SDATA4 = 0x0b;
  public static final int PE_SDATA8 = 0x0c;
  public static final int PE_PCREL = 0x10;
  public static final int PE_DATAREL = 0x30;
  public static final int PE_INDIRECT = 0x80;
  public static final int PE_OMIT = 0xff;

  // Call frame instructions. The high two bits select advance_loc, offset and restore.
  public static final int CFA_ADVANCE_LOC = 0x40;
  public static final int CFA_OFFSET = 0x80;
  public static final int CFA_RESTORE = 0xc0;
  public static final int CFA_NOP = 0x00;
  public static final int CFA_SET_LOC = 0x01;
  public static final int CFA_ADVANCE_LOC1 = 0x02;
  public static final int CFA_ADVANCE_LOC2 = 0x03;
  public static final int CFA_ADVANCE_LOC4 = 0x04;
  public static final int CFA_OFFSET_EXTENDED = 0x05;
  public static final int CFA_RESTORE_EXTENDED = 0x06;
  public static final int CFA_UNDEFINED = 0x07;
  public static final int CFA_SAME_VALUE = 0x08;
  public static final int CFA_REGISTER = 0x09;
  public static final int CFA_REMEMBER_STATE = 0x0a;
  public static final int CFA_RESTORE_STATE = 0x0b;
  public static final int CFA_DEF_CFA = 0x0c;
  public static final int CFA_DEF_CFA_REGISTER = 0x0d;
  public static final int CFA_DEF_CFA_OFFSET = 0x0e;
  public static final int CFA_DEF_CFA_EXPRESSION = 0x0f;
  public static final int CFA_EXPRESSION = 0x10;
  public static final int CFA_OFFSET_EXTENDED_SF = 0x11;
  public static final int CFA_DEF_CFA_SF = 0x12;
  public static final int CFA_DEF_CFA_OFFSET_SF = 0x13;
  public static final int CFA_VAL_OFFSET = 0x14;
  public static final int CFA_VAL_OFFSET_SF = 0x15;
  public static final int CFA_VAL_EXPRESSION = 0x16;

  /**
   * DW_CFA_AARCH64_negate_ra_state: toggles whether the return address is signed (PAC). It has the
   * opcode of SPARC's DW_CFA_GNU_window_save, which is how GNU tools print it on AArch64.
   */
  public static final int CFA_AARCH64_NEGATE_RA_STATE = 0x2d;

  public static final int CFA_GNU_ARGS_SIZE = 0x2e;
  public static final int CFA_GNU_NEGATIVE_OFFSET_EXTENDED = 0x2f;

  // Expression operators the trampoline rules use.
  public static final int OP_DEREF = 0x06;
  public static final int OP_PLUS_UCONST = 0x23;
  public static final int OP_BREG0 = 0x70;
  public static final int OP_REG0 = 0x50;
  public static final int OP_CONSTS = 0x11;
  public static final int OP_PLUS = 0x22;

  // AArch64 DWARF register numbers.
  public static final int X29 = 29;
  public static final int X30 = 30;
  public static final int SP = 31;

  /** Pseudo register holding the RA sign state (0 or 1) in the AArch64 DWARF ABI. */
  public static final int RA_SIGN_STATE = 34;
}
