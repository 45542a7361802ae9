package dev.a64patch.core.encode;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds an instruction sequence at a known address, keeping each word together with the text
 * Capstone prints for it, so that a decoded trampoline can be compared line by line with what was
 * meant. Uses only the forms of {@link A64}.
 */
public final class Asm {
  private final long base;
  private final List<Insn> code = new ArrayList<>();

  public Asm(long base) {
    this.base = base;
  }

  public long pc() {
    return base + 4L * code.size();
  }

  public List<Insn> code() {
    return List.copyOf(code);
  }

  public int size() {
    return code.size() * 4;
  }

  /**
   * The text is interned: a plan keeps every trampoline's instructions until the file is written,
   * and most of their texts ("str x16, [sp]") are the same in every trampoline of a kind. Sharing
   * them took the heap a patch of 32,000 sites needs from 137 to 118 MiB (docs/performance.md,
   * "Many sites"); the JVM's string table holds interned strings weakly.
   */
  private Asm emit(int word, String text) {
    code.add(new Insn(word, text.intern()));
    return this;
  }

  public Asm nop() {
    return emit(A64.NOP, "nop");
  }

  public Asm b(long target) {
    return emit(A64.b(pc(), target), "b " + addr(target));
  }

  /** {@code BR Xn}. */
  public Asm br(int rn) {
    return emit(A64.br(rn), "br " + x(rn));
  }

  /** {@code BTI j}, which Capstone 4 prints as the hint it is. */
  public Asm btiJ() {
    return emit(A64.BTI_J, "hint #0x24");
  }

  public Asm subSp(int bytes) {
    return emit(A64.subImm(A64.SP, A64.SP, bytes, false), "sub sp, sp, " + imm(bytes));
  }

  /** {@code SP += bytes} (Capstone prints {@code add sp, sp, #0} as {@code mov sp, sp}). */
  public Asm addSp(int bytes) {
    return addFromSp(A64.SP, bytes);
  }

  /** {@code Xd|SP = SP + offset} ({@code mov xd, sp} when the offset is 0); 31 is SP here. */
  public Asm addFromSp(int rd, int offset) {
    return emit(
        A64.addImm(rd, A64.SP, offset, false),
        offset == 0 ? "mov " + xOrSp(rd) + ", sp" : "add " + xOrSp(rd) + ", sp, " + imm(offset));
  }

  public Asm str(int rt, int offset) {
    return emit(A64.str(rt, A64.SP, offset), "str " + x(rt) + ", " + spOffset(offset));
  }

  public Asm ldr(int rt, int offset) {
    return emit(A64.ldr(rt, A64.SP, offset), "ldr " + x(rt) + ", " + spOffset(offset));
  }

  /**
   * {@code STR Xt, [SP, #offset]!} (pre-index: SP moves first), a push: offset negative. (Capstone
   * 4 prints a negative post-index offset as an unsigned 64-bit number; the builder keeps to the
   * forms whose text it prints as Capstone does.)
   */
  public Asm strPre(int rt, int offset) {
    if (offset >= 0) {
      throw new IllegalArgumentException("a push lowers SP: offset " + offset);
    }
    return emit(A64.strPre(rt, A64.SP, offset), "str " + x(rt) + ", [sp, " + imm(offset) + "]!");
  }

  /**
   * {@code LDR Xt, [SP], #offset} (post-index: SP moves after the load), a pop: offset positive.
   */
  public Asm ldrPost(int rt, int offset) {
    if (offset <= 0) {
      throw new IllegalArgumentException("a pop raises SP: offset " + offset);
    }
    return emit(A64.ldrPost(rt, A64.SP, offset), "ldr " + x(rt) + ", [sp], " + imm(offset));
  }

  public Asm stp(int rt1, int rt2, int offset) {
    return emit(
        A64.stp(rt1, rt2, A64.SP, offset),
        "stp " + x(rt1) + ", " + x(rt2) + ", " + spOffset(offset));
  }

  public Asm ldp(int rt1, int rt2, int offset) {
    return emit(
        A64.ldp(rt1, rt2, A64.SP, offset),
        "ldp " + x(rt1) + ", " + x(rt2) + ", " + spOffset(offset));
  }

  /**
   * {@code Xd = address}, PC-relative: ADRP + ADD. The ADD is emitted even for a page-aligned
   * address so that a trampoline's size never depends on where it lands. Xd must be x0..x30: with
   * 31 the ADRP would write XZR and the ADD (which reads 31 as SP) would move SP.
   */
  public Asm address(int rd, long address) {
    if (rd == A64.XZR) {
      throw new IllegalArgumentException("address into register 31: ADD would write SP");
    }
    emit(A64.adrp(rd, pc(), address), "adrp " + x(rd) + ", " + addr(address & ~0xFFFL));
    return emit(
        A64.addImm(rd, rd, A64.lo12(address), false),
        "add " + x(rd) + ", " + x(rd) + ", " + imm(A64.lo12(address)));
  }

  /**
   * {@code Xd = *(uint64_t *) address}: ADRP + ADD + LDR, so that neither the size nor the
   * encodability depends on the address. Xd must be x0..x30.
   */
  public Asm load(int rd, long address) {
    address(rd, address);
    return emit(A64.ldr(rd, rd, 0), "ldr " + x(rd) + ", [" + x(rd) + "]");
  }

  /** {@code CBNZ Xt, target}. */
  public Asm cbnz(int rt, long target) {
    return emit(A64.cbnz(rt, pc(), target), "cbnz " + x(rt) + ", " + addr(target));
  }

  /** {@code Xd = value} with MOVZ for the low half-word and MOVK for each non-zero higher one. */
  public Asm constant(int rd, long value) {
    emit(A64.movz(rd, (int) (value & 0xFFFF), 0), "mov " + x(rd) + ", " + imm(value & 0xFFFF));
    for (int shift = 16; shift < 64; shift += 16) {
      int part = (int) ((value >>> shift) & 0xFFFF);
      if (part != 0) {
        emit(A64.movk(rd, part, shift), "movk " + x(rd) + ", " + imm(part) + ", lsl #" + shift);
      }
    }
    return this;
  }

  /**
   * {@code LDADD Xs, Xt, [Xn|SP]}; with Xt = XZR Capstone prints the alias {@code STADD Xs,
   * [Xn|SP]}.
   */
  public Asm ldadd(int rs, int rt, int rn) {
    String base = "[" + xOrSp(rn) + "]";
    return emit(
        A64.ldadd(rs, rt, rn),
        rt == A64.XZR
            ? "stadd " + x(rs) + ", " + base
            : "ldadd " + x(rs) + ", " + x(rt) + ", " + base);
  }

  public Asm mul(int rd, int rn, int rm) {
    return emit(A64.mul(rd, rn, rm), "mul " + x(rd) + ", " + x(rn) + ", " + x(rm));
  }

  public Asm udiv(int rd, int rn, int rm) {
    return emit(A64.udiv(rd, rn, rm), "udiv " + x(rd) + ", " + x(rn) + ", " + x(rm));
  }

  public Asm add(int rd, int rn, int rm) {
    return emit(A64.addReg(rd, rn, rm), "add " + x(rd) + ", " + x(rn) + ", " + x(rm));
  }

  public Asm svc0() {
    return emit(A64.svc(0), "svc #0");
  }

  public Asm clearNzcv() {
    return emit(A64.msrNzcv(A64.XZR), "msr nzcv, xzr");
  }

  /**
   * Capstone's spelling of a signed immediate: decimal below 10 in magnitude, hex otherwise ({@code
   * #-0x10}).
   */
  static String imm(long v) {
    long m = Math.abs(v); // Long.MIN_VALUE stays negative: printed as unsigned below
    return (v < 0 ? "#-" : "#")
        + (Long.compareUnsigned(m, 10) < 0 ? Long.toString(m) : "0x" + Long.toHexString(m));
  }

  /** Capstone's spelling of a B/ADRP target: the unsigned 64-bit address. */
  static String addr(long a) {
    return Long.compareUnsigned(a, 10) < 0 ? "#" + a : "#0x" + Long.toHexString(a);
  }

  /** A register where 31 reads as XZR. */
  static String x(int r) {
    return r == 31 ? "xzr" : "x" + r;
  }

  /** A register where 31 reads as SP (ADD immediate destination, load/store base). */
  static String xOrSp(int r) {
    return r == 31 ? "sp" : "x" + r;
  }

  private static String spOffset(int offset) {
    return offset == 0 ? "[sp]" : "[sp, " + imm(offset) + "]";
  }
}
