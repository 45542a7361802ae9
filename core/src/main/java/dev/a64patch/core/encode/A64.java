package dev.a64patch.core.encode;

/**
 * Encodes the few A64 instructions trampolines need, 64-bit forms only (Arm ARM, section C6).
 * Register numbers are 0..31; where the architecture reads 31 as SP (add/sub immediate, load/store
 * base) or as XZR (everything else), the method says which. Every form emitted here is
 * cross-checked against Keystone, Capstone and GNU as in the tests.
 */
public final class A64 {
  private A64() {}

  public static final int SP = 31;
  public static final int XZR = 31;
  public static final int LR = 30;

  public static final int NOP = 0xD503201F;

  /** Largest forward distance of B: imm26 * 4 reaches [-2^27, 2^27 - 4]. */
  public static final long BRANCH_RANGE = 1L << 27;

  public static boolean inBranchRange(long from, long to) {
    long d = to - from;
    return d >= -BRANCH_RANGE && d < BRANCH_RANGE && (d & 3) == 0;
  }

  /**
   * {@code BTI j}: the landing pad a {@code BR} needs on a page guarded by BTI (a hint: NOP
   * elsewhere).
   */
  public static final int BTI_J = 0xD503249F;

  /** {@code BR Xn}. */
  public static int br(int rn) {
    return 0xD61F0000 | reg(rn) << 5;
  }

  /** {@code B target} placed at {@code from}. */
  public static int b(long from, long to) {
    if (!inBranchRange(from, to)) {
      throw new IllegalArgumentException(String.format("B from 0x%x cannot reach 0x%x", from, to));
    }
    return 0x14000000 | (int) (((to - from) >> 2) & 0x3FFFFFF);
  }

  /** {@code MOVZ Xd, #imm16, LSL #shift} (Xd: 31 = XZR). */
  public static int movz(int rd, int imm16, int shift) {
    return 0xD2800000 | hw(shift) << 21 | imm16(imm16) << 5 | reg(rd);
  }

  /** {@code MOVK Xd, #imm16, LSL #shift}. */
  public static int movk(int rd, int imm16, int shift) {
    return 0xF2800000 | hw(shift) << 21 | imm16(imm16) << 5 | reg(rd);
  }

  /** {@code ADD Xd|SP, Xn|SP, #imm12 {, LSL #12}}. */
  public static int addImm(int rd, int rn, int imm12, boolean lsl12) {
    return 0x91000000 | (lsl12 ? 1 << 22 : 0) | imm12(imm12) << 10 | reg(rn) << 5 | reg(rd);
  }

  /** {@code SUB Xd|SP, Xn|SP, #imm12 {, LSL #12}}. */
  public static int subImm(int rd, int rn, int imm12, boolean lsl12) {
    return 0xD1000000 | (lsl12 ? 1 << 22 : 0) | imm12(imm12) << 10 | reg(rn) << 5 | reg(rd);
  }

  /** {@code ADD Xd, Xn, Xm} (shifted-register form, LSL #0; 31 = XZR). */
  public static int addReg(int rd, int rn, int rm) {
    return 0x8B000000 | reg(rm) << 16 | reg(rn) << 5 | reg(rd);
  }

  /** {@code MUL Xd, Xn, Xm}, the alias of {@code MADD Xd, Xn, Xm, XZR}. */
  public static int mul(int rd, int rn, int rm) {
    return 0x9B007C00 | reg(rm) << 16 | reg(rn) << 5 | reg(rd);
  }

  /** {@code UDIV Xd, Xn, Xm}. */
  public static int udiv(int rd, int rn, int rm) {
    return 0x9AC00800 | reg(rm) << 16 | reg(rn) << 5 | reg(rd);
  }

  /** {@code CBNZ Xt, target}: branch when Xt is not zero (±1 MiB); flags are unchanged. */
  public static int cbnz(int rt, long from, long to) {
    long d = to - from;
    if ((d & 3) != 0 || d < -(1L << 20) || d >= (1L << 20)) {
      throw new IllegalArgumentException(String.format("CBNZ from 0x%x to 0x%x", from, to));
    }
    return 0xB5000000 | (int) ((d >> 2) & 0x7FFFF) << 5 | reg(rt);
  }

  /** {@code STR Xt, [Xn|SP, #offset]}, unsigned offset, a multiple of 8 below 32768. */
  public static int str(int rt, int rn, int offset) {
    return 0xF9000000 | scaled(offset) << 10 | reg(rn) << 5 | reg(rt);
  }

  /**
   * {@code STR Xt, [Xn|SP, #offset]!}: pre-index, so the base moves and the store happens in one
   * instruction (a signal never sees the slot below SP); offset in [-256, 255].
   */
  public static int strPre(int rt, int rn, int offset) {
    return 0xF8000C00 | imm9(offset) << 12 | reg(rn) << 5 | reg(rt);
  }

  /**
   * {@code LDR Xt, [Xn|SP], #offset}: post-index, load then move the base; offset in [-256, 255].
   */
  public static int ldrPost(int rt, int rn, int offset) {
    return 0xF8400400 | imm9(offset) << 12 | reg(rn) << 5 | reg(rt);
  }

  private static int imm9(int offset) {
    if (offset < -256 || offset > 255) {
      throw new IllegalArgumentException("offset " + offset + " outside [-256, 255]");
    }
    return offset & 0x1FF;
  }

  /** {@code LDR Xt, [Xn|SP, #offset]}, unsigned offset, a multiple of 8 below 32768. */
  public static int ldr(int rt, int rn, int offset) {
    return 0xF9400000 | scaled(offset) << 10 | reg(rn) << 5 | reg(rt);
  }

  /** {@code STP Xt1, Xt2, [Xn|SP, #offset]}, signed offset form, multiple of 8 in [-512, 504]. */
  public static int stp(int rt1, int rt2, int rn, int offset) {
    return 0xA9000000 | imm7(offset) << 15 | reg(rt2) << 10 | reg(rn) << 5 | reg(rt1);
  }

  /**
   * {@code LDP Xt1, Xt2, [Xn|SP, #offset]}, signed offset form. Xt1 and Xt2 must differ: loading
   * one register twice is CONSTRAINED UNPREDICTABLE (Capstone and Keystone refuse the word).
   */
  public static int ldp(int rt1, int rt2, int rn, int offset) {
    if (rt1 == rt2) {
      throw new IllegalArgumentException("LDP into x" + rt1 + " twice is unpredictable");
    }
    return 0xA9400000 | imm7(offset) << 15 | reg(rt2) << 10 | reg(rn) << 5 | reg(rt1);
  }

  /** {@code ADRP Xd, target} placed at {@code pc}: the 4 KiB page of target, within ±4 GiB. */
  public static int adrp(int rd, long pc, long target) {
    long pages = (target >> 12) - (pc >> 12);
    if (pages < -(1L << 20) || pages >= (1L << 20)) {
      throw new IllegalArgumentException(
          String.format("ADRP at 0x%x cannot reach 0x%x", pc, target));
    }
    int imm = (int) pages;
    return 0x90000000 | (imm & 3) << 29 | ((imm >> 2) & 0x7FFFF) << 5 | reg(rd);
  }

  /** The low 12 bits of an address, for the {@code ADD} that follows an {@code ADRP}. */
  public static int lo12(long address) {
    return (int) (address & 0xFFF);
  }

  /**
   * {@code LDADD Xs, Xt, [Xn|SP]} (FEAT_LSE, no ordering semantics): atomically {@code Xt = [Xn];
   * [Xn] = Xt + Xs}. Rs may equal Rt: the addend is read first.
   */
  public static int ldadd(int rs, int rt, int rn) {
    return 0xF8200000 | reg(rs) << 16 | reg(rn) << 5 | reg(rt);
  }

  /** {@code SVC #imm16}. */
  public static int svc(int imm16) {
    return 0xD4000001 | imm16(imm16) << 5;
  }

  /** {@code MSR NZCV, Xt} (op0=3, op1=3, CRn=4, CRm=2, op2=0). */
  public static int msrNzcv(int rt) {
    return 0xD51B4200 | reg(rt);
  }

  /** {@code MOV Xd, Xm}, the alias of {@code ORR Xd, XZR, Xm}. */
  public static int mov(int rd, int rm) {
    return 0xAA0003E0 | reg(rm) << 16 | reg(rd);
  }

  private static int reg(int r) {
    if (r < 0 || r > 31) {
      throw new IllegalArgumentException("register " + r);
    }
    return r;
  }

  private static int hw(int shift) {
    if (shift != 0 && shift != 16 && shift != 32 && shift != 48) {
      throw new IllegalArgumentException("MOVZ/MOVK shift " + shift);
    }
    return shift / 16;
  }

  private static int imm16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException("imm16 " + v);
    }
    return v;
  }

  private static int imm12(int v) {
    if (v < 0 || v > 0xFFF) {
      throw new IllegalArgumentException("imm12 " + v);
    }
    return v;
  }

  private static int scaled(int offset) {
    if (offset < 0 || offset > 32760 || (offset & 7) != 0) {
      throw new IllegalArgumentException("LDR/STR offset " + offset);
    }
    return offset >> 3;
  }

  private static int imm7(int offset) {
    if (offset < -512 || offset > 504 || (offset & 7) != 0) {
      throw new IllegalArgumentException("LDP/STP offset " + offset);
    }
    return (offset >> 3) & 0x7F;
  }
}
