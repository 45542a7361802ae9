package dev.a64patch.core.encode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Every instruction form {@link A64} can emit, with many operand combinations, each spelled three
 * ways: for an assembler at an absolute address (Keystone), for GNU as (B/ADRP targets pc-relative,
 * {@code . + d}, resolved by the linker), and as Capstone prints the word. The expected spellings
 * are written here from the Arm ARM's alias rules, not taken from {@link Asm}, so that the encoder
 * and the builder are each checked against the oracles.
 *
 * <p>Probes are laid out consecutively from {@code base} (probe i at {@code base + 4 i}), so one
 * assembler source can hold them all and B/ADRP see their real pc.
 */
final class A64Forms {

  /**
   * One instruction to cross-check.
   *
   * @param keystone the text for an assembler at {@code pc}, or null where Keystone cannot assemble
   *     it (LSE)
   */
  record Probe(String form, long pc, int word, String keystone, String gnu, String capstone) {
    @Override
    public String toString() {
      return String.format("%s @0x%x %08x `%s`", form, pc, word, capstone);
    }
  }

  /** Largest |distance| of B (bytes) and of ADRP (pages). */
  static final long B_MAX = 1L << 27;

  static final long ADRP_PAGES = 1L << 20;

  private final Random rnd;
  private final long base;
  private final List<Probe> probes = new ArrayList<>();

  private A64Forms(long seed, long base) {
    this.rnd = new Random(seed);
    this.base = base;
  }

  /** All probes, laid out from {@code base}; the same seed always gives the same list. */
  static List<Probe> all(long seed, long base) {
    A64Forms f = new A64Forms(seed, base);
    f.generate();
    return List.copyOf(f.probes);
  }

  static Map<String, List<Probe>> byForm(List<Probe> probes) {
    Map<String, List<Probe>> out = new LinkedHashMap<>();
    for (Probe p : probes) {
      out.computeIfAbsent(p.form(), k -> new ArrayList<>()).add(p);
    }
    return out;
  }

  private long pc() {
    return base + 4L * probes.size();
  }

  private void add(String form, int word, String keystone, String gnu, String capstone) {
    probes.add(new Probe(form, pc(), word, keystone, gnu, capstone));
  }

  /** Same text for both assemblers. */
  private void add(String form, int word, String asm, String capstone) {
    add(form, word, asm, asm, capstone);
  }

  private int reg() {
    return rnd.nextInt(32);
  }

  /** Every register in turn in each position (others random), then random combinations. */
  private void regs(int positions, int random, Consumer<int[]> emit) {
    for (int pos = 0; pos < positions; pos++) {
      for (int r = 0; r < 32; r++) {
        int[] rs = new int[positions];
        for (int i = 0; i < positions; i++) {
          rs[i] = i == pos ? r : reg();
        }
        emit.accept(rs);
      }
    }
    for (int i = 0; i < random; i++) {
      int[] rs = new int[positions];
      for (int j = 0; j < positions; j++) {
        rs[j] = reg();
      }
      emit.accept(rs);
    }
  }

  private void generate() {
    movzMovk();
    addSubImm();
    threeRegs();
    loadStore();
    pairs();
    adrp();
    branch();
    ldadd();
    svc();
    msrNzcv();
    mov();
    add("nop", A64.NOP, "nop", "nop");
    indirect();
  }

  /**
   * What long islands use: BR, its BTI landing pad (Capstone 4 prints the hint it is), and the
   * pre-index store and post-index load that move SP and save or reload in one instruction.
   */
  private void indirect() {
    for (int r = 0; r < 32; r++) {
      String t = "br " + xz(r);
      add("br", A64.br(r), t, t);
    }
    add("btiJ", A64.BTI_J, "hint #36", "bti j", "hint #0x24");
    for (int r = 0; r < 32; r++) {
      // Capstone 4 prints a negative post-index offset as an unsigned 64-bit number: only the
      // pushes and pops Asm builds are probed.
      for (int off : new int[] {1, 9, 16, 255}) {
        add(
            "strPre",
            A64.strPre(r, A64.SP, -off),
            "str " + xz(r) + ", [sp, #" + -off + "]!",
            "str " + xz(r) + ", [sp, " + simm(-off) + "]!");
        add(
            "ldrPost",
            A64.ldrPost(r, A64.SP, off),
            "ldr " + xz(r) + ", [sp], #" + off,
            "ldr " + xz(r) + ", [sp], " + simm(off));
      }
    }
  }

  private static final int[] IMM16 = {
    0, 1, 9, 10, 0xF, 0x10, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF
  };
  private static final int[] SHIFTS = {0, 16, 32, 48};

  private void movzMovk() {
    List<int[]> ops = new ArrayList<>(); // rd, imm16, shift
    for (int imm : IMM16) {
      for (int shift : SHIFTS) {
        ops.add(new int[] {reg(), imm, shift});
      }
    }
    for (int r = 0; r < 32; r++) {
      ops.add(new int[] {r, rnd.nextInt(0x10000), SHIFTS[rnd.nextInt(4)]});
    }
    for (int i = 0; i < 64; i++) {
      ops.add(new int[] {reg(), rnd.nextInt(0x10000), SHIFTS[rnd.nextInt(4)]});
    }
    for (int[] o : ops) {
      int rd = o[0];
      int imm = o[1];
      int shift = o[2];
      String asm = "movz " + xz(rd) + ", #0x" + Integer.toHexString(imm) + ", lsl #" + shift;
      // MOV (wide immediate) is the preferred disassembly unless imm16 == 0 with a non-zero shift.
      String cs =
          imm == 0 && shift != 0
              ? "movz " + xz(rd) + ", #0, lsl #" + shift
              : "mov " + xz(rd) + ", " + simm((long) imm << shift);
      add("movz", A64.movz(rd, imm, shift), asm, cs);
    }
    for (int[] o : ops) {
      int rd = o[0];
      int imm = o[1];
      int shift = o[2];
      String asm = "movk " + xz(rd) + ", #0x" + Integer.toHexString(imm) + ", lsl #" + shift;
      String cs = "movk " + xz(rd) + ", " + simm(imm) + (shift == 0 ? "" : ", lsl #" + shift);
      add("movk", A64.movk(rd, imm, shift), asm, cs);
    }
  }

  private static final int[] IMM12 = {0, 1, 8, 9, 10, 16, 0x7FF, 0x800, 0xFFE, 0xFFF};

  private void addSubImm() {
    List<int[]> ops = new ArrayList<>(); // rd, rn, imm12, lsl12
    regs(
        2,
        32,
        rs ->
            ops.add(
                new int[] {
                  rs[0], rs[1], rnd.nextBoolean() ? 0 : rnd.nextInt(0x1000), rnd.nextInt(2)
                }));
    for (int imm : IMM12) {
      for (int lsl = 0; lsl < 2; lsl++) {
        ops.add(new int[] {reg(), reg(), imm, lsl});
        ops.add(new int[] {31, reg(), imm, lsl});
        ops.add(new int[] {reg(), 31, imm, lsl});
        ops.add(new int[] {31, 31, imm, lsl});
      }
    }
    for (int[] o : ops) {
      int rd = o[0];
      int rn = o[1];
      int imm = o[2];
      boolean lsl = o[3] == 1;
      String tail = ", #0x" + Integer.toHexString(imm) + (lsl ? ", lsl #12" : "");
      String csTail = ", " + simm(imm) + (lsl ? ", lsl #12" : "");
      // ADD #0 to or from SP (no shift) is printed as MOV (to/from SP).
      String cs =
          !lsl && imm == 0 && (rd == 31 || rn == 31)
              ? "mov " + xs(rd) + ", " + xs(rn)
              : "add " + xs(rd) + ", " + xs(rn) + csTail;
      add("addImm", A64.addImm(rd, rn, imm, lsl), "add " + xs(rd) + ", " + xs(rn) + tail, cs);
    }
    for (int[] o : ops) {
      int rd = o[0];
      int rn = o[1];
      int imm = o[2];
      boolean lsl = o[3] == 1;
      String tail = ", #0x" + Integer.toHexString(imm) + (lsl ? ", lsl #12" : "");
      String cs = "sub " + xs(rd) + ", " + xs(rn) + ", " + simm(imm) + (lsl ? ", lsl #12" : "");
      add("subImm", A64.subImm(rd, rn, imm, lsl), "sub " + xs(rd) + ", " + xs(rn) + tail, cs);
    }
  }

  private void threeRegs() {
    List<int[]> ops = new ArrayList<>();
    regs(3, 64, ops::add);
    for (int[] o : ops) {
      String t = xz(o[0]) + ", " + xz(o[1]) + ", " + xz(o[2]);
      add("addReg", A64.addReg(o[0], o[1], o[2]), "add " + t, "add " + t);
    }
    for (int[] o : ops) {
      String t = xz(o[0]) + ", " + xz(o[1]) + ", " + xz(o[2]);
      add("mul", A64.mul(o[0], o[1], o[2]), "madd " + t + ", xzr", "mul " + t);
    }
    for (int[] o : ops) {
      String t = xz(o[0]) + ", " + xz(o[1]) + ", " + xz(o[2]);
      add("udiv", A64.udiv(o[0], o[1], o[2]), "udiv " + t, "udiv " + t);
    }
  }

  private static final int[] SCALED = {0, 8, 16, 64, 72, 80, 0x100, 0x3FF8, 0x4000, 0x7FF0, 0x7FF8};

  private void loadStore() {
    List<int[]> ops = new ArrayList<>(); // rt, rn, offset
    regs(2, 32, rs -> ops.add(new int[] {rs[0], rs[1], 8 * rnd.nextInt(4096)}));
    for (int off : SCALED) {
      ops.add(new int[] {reg(), reg(), off});
      ops.add(new int[] {reg(), 31, off});
    }
    for (String op : new String[] {"str", "ldr"}) {
      for (int[] o : ops) {
        String t = op + " " + xz(o[0]) + ", " + mem(o[1], o[2]);
        int word = op.equals("str") ? A64.str(o[0], o[1], o[2]) : A64.ldr(o[0], o[1], o[2]);
        add(op, word, t, t);
      }
    }
  }

  private static final int[] PAIR = {-512, -504, -256, -16, -8, 0, 8, 16, 64, 496, 504};

  private void pairs() {
    List<int[]> ops = new ArrayList<>(); // rt1, rt2, rn, offset
    regs(3, 64, rs -> ops.add(new int[] {rs[0], rs[1], rs[2], 8 * (rnd.nextInt(128) - 64)}));
    for (int off : PAIR) {
      ops.add(new int[] {reg(), reg(), reg(), off});
      ops.add(new int[] {reg(), reg(), 31, off});
    }
    for (String op : new String[] {"stp", "ldp"}) {
      for (int[] o : ops) {
        if (op.equals("ldp") && o[0] == o[1]) {
          continue; // CONSTRAINED UNPREDICTABLE; A64.ldp must refuse it (see A64OracleTest)
        }
        String t = op + " " + xz(o[0]) + ", " + xz(o[1]) + ", " + mem(o[2], o[3]);
        int word =
            op.equals("stp") ? A64.stp(o[0], o[1], o[2], o[3]) : A64.ldp(o[0], o[1], o[2], o[3]);
        add(op, word, t, t);
      }
    }
  }

  /** Page distances of ADRP, including both extremes. */
  private static final long[] PAGES = {
    -ADRP_PAGES, -ADRP_PAGES + 1, -0x12345, -2, -1, 0, 1, 2, 0x54321, ADRP_PAGES - 2, ADRP_PAGES - 1
  };

  private void adrp() {
    List<long[]> ops = new ArrayList<>(); // rd, pages, lo12
    for (long pages : PAGES) {
      ops.add(new long[] {reg(), pages, 0});
      ops.add(new long[] {reg(), pages, 0xFFF});
      ops.add(new long[] {reg(), pages, rnd.nextInt(0x1000)});
    }
    for (int r = 0; r < 32; r++) {
      ops.add(
          new long[] {r, rnd.nextInt((int) (2 * ADRP_PAGES)) - ADRP_PAGES, rnd.nextInt(0x1000)});
    }
    for (int i = 0; i < 64; i++) {
      ops.add(
          new long[] {
            reg(), rnd.nextInt((int) (2 * ADRP_PAGES)) - ADRP_PAGES, rnd.nextInt(0x1000)
          });
    }
    for (long[] o : ops) {
      int rd = (int) o[0];
      long pc = pc();
      long target = (pc & ~0xFFFL) + (o[1] << 12) + o[2];
      String cs = "adrp " + xz(rd) + ", " + addr(target & ~0xFFFL);
      add(
          "adrp",
          A64.adrp(rd, pc, target),
          "adrp " + xz(rd) + ", #0x" + Long.toHexString(target),
          "adrp " + xz(rd) + ", " + rel(target - pc),
          cs);
    }
  }

  private static final long[] DISTANCES = {
    -B_MAX, -B_MAX + 4, -0x100000, -8, -4, 0, 4, 8, 0x100000, B_MAX - 8, B_MAX - 4
  };

  private void branch() {
    List<Long> ds = new ArrayList<>();
    for (long d : DISTANCES) {
      ds.add(d);
    }
    for (int i = 0; i < 96; i++) {
      ds.add(4L * (rnd.nextInt((int) (B_MAX / 2)) - B_MAX / 4));
    }
    for (long d : ds) {
      long pc = pc();
      long target = pc + d;
      add(
          "b",
          A64.b(pc, target),
          "b #0x" + Long.toHexString(target),
          "b " + rel(d),
          "b " + addr(target));
    }
  }

  private void ldadd() {
    List<int[]> ops = new ArrayList<>();
    regs(3, 64, ops::add);
    for (int[] o : ops) {
      int rs = o[0];
      int rt = o[1];
      int rn = o[2];
      String asm = "ldadd " + xz(rs) + ", " + xz(rt) + ", [" + xs(rn) + "]";
      // LDADD with Rt = XZR is printed as its alias STADD.
      String cs = rt == 31 ? "stadd " + xz(rs) + ", [" + xs(rn) + "]" : asm;
      add("ldadd", A64.ldadd(rs, rt, rn), null, asm, cs);
    }
  }

  private void svc() {
    List<Integer> imms = new ArrayList<>(List.of(0, 1, 9, 10, 0x80, 0xFFFE, 0xFFFF));
    for (int i = 0; i < 32; i++) {
      imms.add(rnd.nextInt(0x10000));
    }
    for (int imm : imms) {
      add("svc", A64.svc(imm), "svc #0x" + Integer.toHexString(imm), "svc " + simm(imm));
    }
  }

  private void msrNzcv() {
    for (int r = 0; r < 32; r++) {
      String t = "msr nzcv, " + xz(r);
      add("msrNzcv", A64.msrNzcv(r), t, t);
    }
  }

  private void mov() {
    List<int[]> ops = new ArrayList<>();
    regs(2, 32, ops::add);
    for (int[] o : ops) {
      add(
          "mov",
          A64.mov(o[0], o[1]),
          "orr " + xz(o[0]) + ", xzr, " + xz(o[1]),
          "mov " + xz(o[0]) + ", " + xz(o[1]));
    }
  }

  // --- spellings ---

  /** Register 31 read as XZR. */
  static String xz(int r) {
    return r == 31 ? "xzr" : "x" + r;
  }

  /** Register 31 read as SP. */
  static String xs(int r) {
    return r == 31 ? "sp" : "x" + r;
  }

  /**
   * Capstone's signed immediate: decimal below 10 in magnitude, hex otherwise, with a minus sign.
   */
  static String simm(long v) {
    String sign = v < 0 ? "-" : "";
    long m = v < 0 ? -v : v; // Long.MIN_VALUE stays itself, printed unsigned below
    return "#"
        + sign
        + (Long.compareUnsigned(m, 10) < 0 ? Long.toString(m) : "0x" + Long.toHexString(m));
  }

  /** Capstone's address operand (B, ADRP): the unsigned 64-bit value. */
  static String addr(long a) {
    return Long.compareUnsigned(a, 10) < 0 ? "#" + a : "#0x" + Long.toHexString(a);
  }

  private static String mem(int rn, int offset) {
    return offset == 0 ? "[" + xs(rn) + "]" : "[" + xs(rn) + ", " + simm(offset) + "]";
  }

  /** A pc-relative operand for GNU as. */
  private static String rel(long d) {
    return d < 0 ? ". - 0x" + Long.toHexString(-d) : ". + 0x" + Long.toHexString(d);
  }
}
