package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.patch.Trampolines.Kind;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.testing.CapstoneOracle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every trampoline kind, for every destination x0..x30, a few option sets and placements (site
 * below/above at the B range ends, data block near and ~4 GiB away), decoded with Capstone and then
 * executed symbolically from Capstone's texts (not Asm's) to check the contract of docs/design.md
 * section 7: every other general register, SP and NZCV (RNDR: 0000) come out as they went in; the
 * stack is used only inside a frame opened by lowering SP by a multiple of 16; every saved register
 * is restored; no LL/SC; the only branch is the final {@code b site+4}; and Xt gets the value the
 * kind defines.
 */
class TrampolinesDecodeTest {
  /**
   * Options: (step, frequency, RNDR mode) sets; RNDR_* kinds are taken from kindFor() under the
   * set's mode.
   */
  static final List<PatchOptions> OPTIONS =
      List.of(
          options(1, 1_000_000_000L, RndrMode.DETERMINISTIC),
          options(1000, 24_000_000L, RndrMode.GETRANDOM),
          options(0x12345, 0xFFFF_FFFFL, RndrMode.DETERMINISTIC),
          options(1L << 40, 1_000_000_000L, RndrMode.GETRANDOM),
          options(7, 1L, RndrMode.GETRANDOM));

  static PatchOptions options(long step, long frequency, RndrMode rndr) {
    PatchOptions d = PatchOptions.defaults();
    return new PatchOptions(
        Strategy.COUNTER, Set.of(), step, frequency, false, d.outOfRange(), rndr, d.maxPadding());
  }

  /** Where the site, the trampoline and the data block are. Trampolines stay below 0x100 bytes. */
  record Placement(String name, long site, long at, long data) {
    @Override
    public String toString() {
      return String.format("%s(site 0x%x, at 0x%x, data 0x%x)", name, site, at, data);
    }
  }

  static final long AT = 0x7F_FFF0L; // the trampoline straddles a page boundary
  static final long FAR = 0x1_0080_0010L;
  static final long FAR_PAGE = FAR & ~0xFFFL;
  static final List<Placement> PLACEMENTS =
      List.of(
          new Placement("site below, data next page", 0x40_1234L & ~3L, AT, 0x80_1000L),
          new Placement("site above, data same page", 0x90_0008L, 0x50_0100L, 0x50_0FF0L),
          // the final B spans almost exactly -128 MiB; ADRP spans +(2^20 - 1) pages
          new Placement(
              "site 128 MiB below, data 4 GiB above",
              FAR + 0x100 - (1L << 27),
              FAR,
              FAR_PAGE + 0xFFFF_F000L + 0xFF0),
          // the final B spans almost +128 MiB; ADRP spans -(2^20 - 1) pages
          new Placement(
              "site 128 MiB above, data 4 GiB below",
              FAR + (1L << 27) - 8,
              FAR,
              FAR_PAGE - 0xFFFF_F000L + 8),
          new Placement(
              "site just below, data far below",
              0x2_0000_0000L - 4,
              0x2_0000_0000L,
              0x1_0000_1000L),
          new Placement(
              "site just above, data just above", 0x3_0000_0100L, 0x3_0000_0000L, 0x3_0001_0000L));

  @AutoClose private static CapstoneOracle capstone;

  @BeforeAll
  static void open() {
    capstone = CapstoneOracle.open();
  }

  static Kind kindUnder(Kind kind, PatchOptions o) {
    if (kind == Kind.RNDR_SEQUENCE || kind == Kind.RNDR_GETRANDOM) {
      return Trampolines.kindFor(SysReg.RNDR, o);
    }
    return kind;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void everyTrampolineDecodesAndKeepsTheContract(Kind requested) {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (PatchOptions o : OPTIONS) {
      Kind kind = kindUnder(requested, o);
      if (kind != requested) {
        continue; // RNDR kinds: only the option sets whose mode selects them
      }
      for (int rt = 0; rt <= 30; rt++) {
        int size = Trampolines.size(kind, rt, o);
        for (Placement p : PLACEMENTS) {
          if (kind == Kind.SHARED_COUNTER && !slotReachable(p)) {
            continue; // the placements put data at the far edge of ADRP's range; the slot is past
            // it
          }
          List<Insn> code = Trampolines.encode(kind, rt, p.site(), p.at(), p.data(), o);
          checked++;
          String where = kind + " x" + rt + " step=" + o.step() + " f=" + o.frequency() + " " + p;
          if (code.size() * 4 != size) {
            problems.add(
                where + ": size() " + size + " but encode() gave " + code.size() * 4 + " bytes");
          }
          try {
            check(kind, rt, o, p, code);
          } catch (AssertionError e) {
            problems.add(where + ": " + e.getMessage() + "\n" + listing(code, p.at()));
          }
        }
      }
    }
    assertTrue(checked >= 31 * PLACEMENTS.size(), "checked " + checked);
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " of "
              + checked
              + " trampolines break the contract; first ones:\n"
              + String.join("\n", problems.subList(0, Math.min(3, problems.size()))));
    }
  }

  static boolean slotReachable(Placement p) {
    long pages = ((p.data() + Trampolines.CLOCK_SLOT_OFFSET) >> 12) - ((p.at() + 8) >> 12);
    return Math.abs(pages) < (1L << 20);
  }

  @Test
  void placementsReachTheRangeEnds() {
    long minB = Long.MAX_VALUE;
    long maxB = Long.MIN_VALUE;
    long minPages = Long.MAX_VALUE;
    long maxPages = Long.MIN_VALUE;
    for (Placement p : PLACEMENTS) {
      for (Kind kind : new Kind[] {Kind.COUNTER, Kind.CLOCK}) {
        List<Insn> code =
            Trampolines.encode(kind, 0, p.site(), p.at(), p.data(), PatchOptions.defaults());
        long last = p.at() + 4L * (code.size() - 1);
        minB = Math.min(minB, p.site() + 4 - last);
        maxB = Math.max(maxB, p.site() + 4 - last);
      }
      long pages = (p.data() >> 12) - ((p.at() + 8) >> 12);
      minPages = Math.min(minPages, pages);
      maxPages = Math.max(maxPages, pages);
    }
    assertTrue(minB < -(1L << 27) + 0x100, "closest to -128 MiB: " + minB);
    assertTrue(maxB > (1L << 27) - 0x100, "closest to +128 MiB: " + maxB);
    assertEquals(-(1L << 20) + 1, minPages);
    assertEquals((1L << 20) - 1, maxPages);
  }

  @Test
  void kindForPicksTheTrampolineOfTheStrategyAndMode() {
    PatchOptions o = PatchOptions.defaults();
    assertEquals(Kind.COUNTER, Trampolines.kindFor(SysReg.CNTVCT_EL0, o));
    assertEquals(
        Kind.CLOCK, Trampolines.kindFor(SysReg.CNTPCTSS_EL0, o.withStrategy(Strategy.CLOCK)));
    assertEquals(
        Kind.CONSTANT, Trampolines.kindFor(SysReg.CNTFRQ_EL0, o.withStrategy(Strategy.CLOCK)));
    assertEquals(
        Kind.RNDR_SEQUENCE,
        Trampolines.kindFor(SysReg.RNDRRS, options(1, 1, RndrMode.DETERMINISTIC)));
    assertEquals(
        Kind.RNDR_GETRANDOM, Trampolines.kindFor(SysReg.RNDR, options(1, 1, RndrMode.GETRANDOM)));
    assertEquals(null, Trampolines.kindFor(SysReg.PMCCNTR_EL0, o));
    assertEquals(null, Trampolines.kindFor(SysReg.CNTVCT_EL0, o.withStrategy(Strategy.ZERO)));
  }

  @Test
  void sizeNeverDependsOnAddresses() {
    for (Kind kind : Kind.values()) {
      for (PatchOptions o : OPTIONS) {
        for (int rt = 0; rt <= 30; rt += 5) {
          int size = Trampolines.size(kind, rt, o);
          assertTrue(size > 0 && size <= 0x100, kind + " size " + size);
          for (long at = 0x1000; at < 0x1_0000_0000L; at = at * 3 + 0xFF4) {
            for (long data :
                new long[] {
                  at + 8, (at & ~0xFFFL) + 0xFF8, at + 0xFFFF_0000L, Math.max(0, at - 0xFFFF_0000L)
                }) {
              assertEquals(
                  size,
                  Trampolines.encode(kind, rt, at - 0x1000, at, data, o).size() * 4,
                  kind
                      + " x"
                      + rt
                      + " at 0x"
                      + Long.toHexString(at)
                      + " data 0x"
                      + Long.toHexString(data));
            }
          }
        }
      }
    }
  }

  @Test
  void readsIntoXzrGetNoTrampoline() {
    for (Kind kind : Kind.values()) {
      assertThrows(
          IllegalArgumentException.class,
          () -> Trampolines.encode(kind, 31, 0x1000, 0x2000, 0x3000, PatchOptions.defaults()));
      assertThrows(
          IllegalArgumentException.class,
          () -> Trampolines.encode(kind, -1, 0x1000, 0x2000, 0x3000, PatchOptions.defaults()));
    }
  }

  // ---------------------------------------------------------------------------------------
  // Symbolic execution of Capstone's decoding.

  /** A register or stack slot value. */
  sealed interface Val permits Orig, Const, SpRel, Sym {}

  /** The entry value of register r. */
  record Orig(int r) implements Val {}

  record Const(long v) implements Val {}

  /** Entry SP + off. */
  record SpRel(long off) implements Val {}

  /** Anything else, described by an expression. */
  record Sym(String expr) implements Val {}

  static String show(Val v) {
    if (v instanceof Orig o) {
      return "x" + o.r() + "@entry";
    } else if (v instanceof Const c) {
      return "0x" + Long.toHexString(c.v());
    } else if (v instanceof SpRel s) {
      return "sp@entry"
          + (s.off() < 0 ? "-0x" + Long.toHexString(-s.off()) : "+0x" + Long.toHexString(s.off()));
    }
    return ((Sym) v).expr();
  }

  /**
   * Registers a raw {@code svc} may change: x0 (the kernel's result), x8 (docs/design.md section 7:
   * rr's syscall fast path may clobber it), and x15-x17, x30, which Trampolines documents rr's
   * syscall hooks as using.
   */
  static final int[] SVC_CLOBBERS = {0, 8, 15, 16, 17, 30};

  private static final String R = "(x\\d+|xzr)";
  private static final String IMM = "#(-?(?:0x[0-9a-f]+|\\d+))";
  private static final Pattern SP_ADJUST = Pattern.compile("(add|sub) sp, sp, " + IMM);
  private static final Pattern FROM_SP =
      Pattern.compile("(?:mov " + R + ", sp|add " + R + ", sp, " + IMM + ")");
  private static final Pattern LDST =
      Pattern.compile("(str|ldr) " + R + ", \\[sp(?:, " + IMM + ")?\\]");
  private static final Pattern PAIR =
      Pattern.compile("(stp|ldp) " + R + ", " + R + ", \\[sp(?:, " + IMM + ")?\\]");
  private static final Pattern ADRP = Pattern.compile("adrp " + R + ", " + IMM);
  private static final Pattern ADD_IMM = Pattern.compile("add " + R + ", " + R + ", " + IMM);
  private static final Pattern MOVZ = Pattern.compile("mov " + R + ", " + IMM);
  private static final Pattern MOVK =
      Pattern.compile("movk " + R + ", " + IMM + "(?:, lsl #(\\d+))?");
  private static final Pattern LDR_REG =
      Pattern.compile("ldr " + R + ", \\[" + R + "(?:, " + IMM + ")?\\]");
  private static final Pattern CBNZ = Pattern.compile("cbnz " + R + ", " + IMM);
  private static final Pattern LDADD =
      Pattern.compile("ldadd " + R + ", " + R + ", \\[" + R + "\\]");
  private static final Pattern ALU = Pattern.compile("(mul|udiv|add) " + R + ", " + R + ", " + R);
  private static final Pattern MSR_NZCV = Pattern.compile("msr nzcv, " + R);
  private static final Pattern BRANCH = Pattern.compile("b " + IMM);
  private static final Pattern LLSC = Pattern.compile("^(ld|st)(a|l)?x[rp][bh]?\\b.*");
  private static final Pattern CONTROL =
      Pattern.compile("^(b|bl|br|blr|ret|cbn?z|tbn?z|b\\.\\w+|braa.*|blraa.*|eret)\\b.*");

  static long imm(String s) {
    boolean neg = s.startsWith("-");
    String m = neg ? s.substring(1) : s;
    long v = m.startsWith("0x") ? Long.parseUnsignedLong(m.substring(2), 16) : Long.parseLong(m);
    return neg ? -v : v;
  }

  static int reg(String s) {
    return s.equals("xzr") ? 31 : Integer.parseInt(s.substring(1));
  }

  /** The machine state during symbolic execution. */
  static final class State {
    final Val[] x = new Val[31];
    long sp; // relative to entry SP
    Val nzcv = new Sym("nzcv@entry");
    final Map<Long, Val> stack = new HashMap<>();
    final Set<Integer> saved = new TreeSet<>();
    final Set<Integer> restored = new TreeSet<>();
    final List<String> atomics = new ArrayList<>(); // addresses of LDADDs
    final List<String> atomicAddends = new ArrayList<>();
    int svcs;

    State() {
      for (int r = 0; r < 31; r++) {
        x[r] = new Orig(r);
      }
    }

    Val get(int r) {
      return r == 31 ? new Const(0) : x[r];
    }

    void set(int r, Val v) {
      if (r != 31) {
        x[r] = v;
      }
    }

    /**
     * Checks an 8-byte-or-more stack access at entry-SP-relative {@code addr} lies in the open
     * frame.
     */
    void inFrame(long addr, long bytes, String what) {
      if (sp >= 0 || addr < sp || addr + bytes > 0) {
        throw new AssertionError(
            String.format(
                "%s touches sp@entry%+d..%+d outside the frame [sp@entry%+d, sp@entry)",
                what, addr, addr + bytes, sp));
      }
      if ((addr & 7) != 0) {
        throw new AssertionError(what + " is not 8-byte aligned");
      }
    }

    void store(long addr, int r, String what) {
      inFrame(addr, 8, what);
      Val v = get(r);
      stack.put(addr, v);
      if (v.equals(new Orig(r))) {
        saved.add(r);
      }
    }

    void load(int r, long addr, String what) {
      inFrame(addr, 8, what);
      Val v = stack.get(addr);
      if (v == null) {
        throw new AssertionError(what + " loads a stack slot nothing was stored to");
      }
      if (v.equals(new Orig(r))) {
        restored.add(r);
      }
      set(r, v);
    }
  }

  static Val fold(String op, Val a, Val b) {
    if (a instanceof Const ca && b instanceof Const cb) {
      return switch (op) {
        case "mul" -> new Const(ca.v() * cb.v());
        case "udiv" -> new Const(cb.v() == 0 ? 0 : Long.divideUnsigned(ca.v(), cb.v()));
        default -> new Const(ca.v() + cb.v());
      };
    }
    String sym =
        switch (op) {
          case "mul" -> "*";
          case "udiv" -> "/";
          default -> "+";
        };
    return new Sym("(" + show(a) + " " + sym + " " + show(b) + ")");
  }

  /**
   * Decodes {@code code} with Capstone, checks the texts and executes them symbolically; throws on
   * any breach.
   */
  static void check(Kind kind, int rt, PatchOptions o, Placement p, List<Insn> code) {
    int[] words = code.stream().mapToInt(Insn::word).toArray();
    List<String> decoded = capstone.decodeAll(words, p.at());
    for (int i = 0; i < code.size(); i++) {
      String d =
          decoded.get(i) != null ? decoded.get(i) : capstone.decode(words[i], p.at() + 4L * i);
      if (!code.get(i).text().equals(d)) {
        throw new AssertionError(
            String.format(
                "insn %d %08x: recorded `%s`, Capstone `%s`", i, words[i], code.get(i).text(), d));
      }
    }
    // A CBNZ forks the execution: both paths must keep the contract.
    List<List<Integer>> paths = new ArrayList<>();
    List<Integer> straight = new ArrayList<>();
    for (int i = 0; i < code.size(); i++) {
      straight.add(i);
      Matcher c = CBNZ.matcher(decoded.get(i));
      if (c.matches() && paths.isEmpty()) {
        int target = (int) ((imm(c.group(2)) - p.at()) / 4);
        List<Integer> taken = new ArrayList<>(straight);
        for (int j = target; j < code.size(); j++) {
          taken.add(j);
        }
        paths.add(taken);
      }
    }
    paths.add(straight);
    for (List<Integer> path : paths) {
      run(kind, rt, o, p, code, decoded, words, path, paths.size() > 1 && path != straight);
    }
  }

  /** Executes one path through the trampoline; {@code taken}: the CBNZ on it branched. */
  static void run(
      Kind kind,
      int rt,
      PatchOptions o,
      Placement p,
      List<Insn> code,
      List<String> decoded,
      int[] words,
      List<Integer> path,
      boolean taken) {
    State s = new State();
    long site4 = p.site() + 4;
    for (int i : path) {
      String t = decoded.get(i);
      long pc = p.at() + 4L * i;
      String what = "insn " + i + " `" + t + "`";
      if (LLSC.matcher(t).matches()) {
        throw new AssertionError(what + " is LL/SC, which rr refuses");
      }
      Matcher m;
      if ((m = CBNZ.matcher(t)).matches() && i != code.size() - 1) {
        // Which way it goes is the path's business; record what the path assumes.
        int r = reg(m.group(1));
        if (!taken) {
          s.set(r, new Const(0));
        }
        continue;
      }
      if (CONTROL.matcher(t).matches()) {
        m = BRANCH.matcher(t);
        if (i != code.size() - 1
            || !m.matches()
            || imm(m.group(1)) != site4
            || words[i] != A64.b(pc, site4)) {
          throw new AssertionError(
              what
                  + ": the only control transfer must be the last instruction, b 0x"
                  + Long.toHexString(site4));
        }
        continue;
      }
      if (i == code.size() - 1) {
        throw new AssertionError("the last instruction is not b site+4 but " + what);
      }
      if ((m = SP_ADJUST.matcher(t)).matches()) {
        long n = imm(m.group(2));
        if (n % 16 != 0) {
          throw new AssertionError(what + " moves SP by a non-multiple of 16");
        }
        s.sp += m.group(1).equals("sub") ? -n : n;
        if (s.sp > 0) {
          throw new AssertionError(what + " raises SP above its entry value");
        }
      } else if (t.equals("mov sp, sp")) {
        // no effect
      } else if ((m = FROM_SP.matcher(t)).matches()) {
        int rd = reg(m.group(1) != null ? m.group(1) : m.group(2));
        s.set(rd, new SpRel(s.sp + (m.group(3) == null ? 0 : imm(m.group(3)))));
      } else if ((m = LDST.matcher(t)).matches()) {
        long addr = s.sp + (m.group(3) == null ? 0 : imm(m.group(3)));
        if (m.group(1).equals("str")) {
          s.store(addr, reg(m.group(2)), what);
        } else {
          s.load(reg(m.group(2)), addr, what);
        }
      } else if ((m = PAIR.matcher(t)).matches()) {
        long addr = s.sp + (m.group(4) == null ? 0 : imm(m.group(4)));
        int a = reg(m.group(2));
        int b = reg(m.group(3));
        if (m.group(1).equals("stp")) {
          s.store(addr, a, what);
          s.store(addr + 8, b, what);
        } else {
          s.load(a, addr, what);
          s.load(b, addr + 8, what);
        }
      } else if ((m = LDR_REG.matcher(t)).matches()) {
        Val base = s.get(reg(m.group(2)));
        if (!(base instanceof Const c)) {
          throw new AssertionError(what + ": load from a non-constant address " + show(base));
        }
        long addr = c.v() + (m.group(3) == null ? 0 : imm(m.group(3)));
        s.set(reg(m.group(1)), new Sym("mem[0x" + Long.toHexString(addr) + "]"));
      } else if ((m = ADRP.matcher(t)).matches()) {
        s.set(reg(m.group(1)), new Const(imm(m.group(2))));
      } else if ((m = ADD_IMM.matcher(t)).matches()) {
        s.set(reg(m.group(1)), fold("add", s.get(reg(m.group(2))), new Const(imm(m.group(3)))));
      } else if ((m = MOVZ.matcher(t)).matches()) {
        s.set(reg(m.group(1)), new Const(imm(m.group(2))));
      } else if ((m = MOVK.matcher(t)).matches()) {
        int rd = reg(m.group(1));
        int shift = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        Val v = s.get(rd);
        s.set(
            rd,
            v instanceof Const c
                ? new Const(c.v() & ~(0xFFFFL << shift) | imm(m.group(2)) << shift)
                : new Sym("movk(" + show(v) + ")"));
      } else if ((m = LDADD.matcher(t)).matches()) {
        Val addend =
            s.get(reg(m.group(1))); // read before the destination is written (Rs may equal Rt)
        Val base = s.get(reg(m.group(3)));
        if (!(base instanceof Const) && !(base instanceof Sym b && b.expr().startsWith("mem[0x"))) {
          throw new AssertionError(what + ": atomic on an unexpected address " + show(base));
        }
        s.atomics.add(show(base));
        s.atomicAddends.add(show(addend));
        s.set(reg(m.group(2)), new Sym("mem[" + show(base) + "]"));
      } else if ((m = ALU.matcher(t)).matches()) {
        s.set(reg(m.group(2)), fold(m.group(1), s.get(reg(m.group(3))), s.get(reg(m.group(4)))));
      } else if (t.equals("svc #0")) {
        svc(s, what);
      } else if ((m = MSR_NZCV.matcher(t)).matches()) {
        s.nzcv = s.get(reg(m.group(1)));
      } else {
        throw new AssertionError(
            what + " is not modelled by this test (add it, with its effects, before using it)");
      }
    }

    // The contract at the final branch.
    if (s.sp != 0) {
      throw new AssertionError("SP is sp@entry" + s.sp + " at the branch back");
    }
    for (int r = 0; r < 31; r++) {
      if (r != rt && !s.x[r].equals(new Orig(r))) {
        throw new AssertionError("x" + r + " ends as " + show(s.x[r]) + ", not its entry value");
      }
    }
    if (!s.restored.containsAll(s.saved)) {
      Set<Integer> missing = new TreeSet<>(s.saved);
      missing.removeAll(s.restored);
      throw new AssertionError("saved but never restored: " + missing);
    }
    boolean rndr = kind == Kind.RNDR_SEQUENCE || kind == Kind.RNDR_GETRANDOM;
    Val nzcv = rndr ? new Const(0) : new Sym("nzcv@entry");
    if (!s.nzcv.equals(nzcv)) {
      throw new AssertionError("NZCV ends as " + show(s.nzcv) + ", expected " + show(nzcv));
    }
    String value = show(s.x[rt]);
    String expected = expectedValue(kind, o, p, taken);
    if (!value.equals(expected)) {
      throw new AssertionError("x" + rt + " ends as " + value + ", expected " + expected);
    }
    int atomics = kind.usesData() ? 1 : 0;
    if (s.atomics.size() != atomics) {
      throw new AssertionError(s.atomics.size() + " atomics, expected " + atomics);
    }
    if (atomics == 1) {
      String addend = show(new Const(kind == Kind.RNDR_SEQUENCE ? 1 : o.step()));
      if (!s.atomicAddends.get(0).equals(addend)) {
        throw new AssertionError(
            "the atomic adds " + s.atomicAddends.get(0) + ", expected " + addend);
      }
    }
    int svcs = kind == Kind.CLOCK || kind == Kind.RNDR_GETRANDOM ? 1 : 0;
    if (s.svcs != svcs) {
      throw new AssertionError(s.svcs + " syscalls, expected " + svcs);
    }
  }

  /** What Xt must hold at the branch back, as an expression over the symbolic inputs. */
  static String expectedValue(Kind kind, PatchOptions o, Placement p, boolean taken) {
    String f = show(new Const(o.frequency()));
    String nanos = show(new Const(1_000_000_000L));
    return switch (kind) {
      case COUNTER -> "mem[0x" + Long.toHexString(p.data() + Trampolines.COUNTER_OFFSET) + "]";
      // The slot holds the shared clock's address (branch taken) or 0 (the object's own).
      case SHARED_COUNTER ->
          taken
              ? "mem[mem[0x" + Long.toHexString(p.data() + Trampolines.CLOCK_SLOT_OFFSET) + "]]"
              : "mem[0x" + Long.toHexString(p.data() + Trampolines.COUNTER_OFFSET) + "]";
      case RNDR_SEQUENCE ->
          "(mem[0x"
              + Long.toHexString(p.data() + Trampolines.RNDR_SEQUENCE_OFFSET)
              + "] * "
              + show(new Const(0x9E3779B97F4A7C15L))
              + ")";
      case CONSTANT -> f;
      case CLOCK ->
          o.frequency() == 1_000_000_000L
              ? "((ts.sec * " + nanos + ") + ts.nsec)"
              : "((ts.sec * " + f + ") + ((ts.nsec * " + f + ") / " + nanos + "))";
      case RNDR_GETRANDOM -> "getrandom[0..8]";
    };
  }

  /**
   * clock_gettime(CLOCK_MONOTONIC, sp-buffer) or getrandom(sp-buffer, 8, 0); nothing else is
   * expected.
   */
  static void svc(State s, String what) {
    s.svcs++;
    Val nr = s.get(8);
    if (nr.equals(new Const(113))) {
      if (!s.get(0).equals(new Const(1))) {
        throw new AssertionError(
            what + ": clock_gettime of clock " + show(s.get(0)) + ", not CLOCK_MONOTONIC");
      }
      if (!(s.get(1) instanceof SpRel ts)) {
        throw new AssertionError(
            what + ": clock_gettime into " + show(s.get(1)) + ", not the frame");
      }
      s.inFrame(ts.off(), 16, what + " (struct timespec)");
      s.stack.put(ts.off(), new Sym("ts.sec"));
      s.stack.put(ts.off() + 8, new Sym("ts.nsec"));
    } else if (nr.equals(new Const(278))) {
      if (!(s.get(0) instanceof SpRel buf)
          || !s.get(1).equals(new Const(8))
          || !s.get(2).equals(new Const(0))) {
        throw new AssertionError(
            what
                + ": getrandom("
                + show(s.get(0))
                + ", "
                + show(s.get(1))
                + ", "
                + show(s.get(2))
                + "), expected (frame buffer, 8, 0)");
      }
      s.inFrame(buf.off(), 8, what + " (getrandom buffer)");
      s.stack.put(buf.off(), new Sym("getrandom[0..8]"));
    } else {
      throw new AssertionError(what + ": unexpected syscall " + show(nr));
    }
    for (int r : SVC_CLOBBERS) {
      s.set(r, new Sym("clobbered-by-svc"));
    }
  }

  static String listing(List<Insn> code, long at) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < code.size(); i++) {
      sb.append(String.format("    %x: %s%n", at + 4L * i, code.get(i)));
    }
    return sb.toString();
  }
}
