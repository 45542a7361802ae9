package dev.a64patch.core.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.a64patch.testing.CapstoneOracle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} compares Capstone's decoding of every trampoline word with the text {@link Asm}
 * recorded for it, so every {@link Insn} the builder can produce, with every register (31 included)
 * and immediate it accepts, must carry exactly the text Capstone prints for its word at its pc.
 */
class AsmTextTest {
  private static final long SEED = 0xA5_7E47L;
  @AutoClose private static CapstoneOracle capstone;

  @BeforeAll
  static void open() {
    capstone = CapstoneOracle.open();
  }

  private final Random rnd = new Random(SEED);
  private final List<String> problems = new ArrayList<>();
  private int checked;

  /**
   * Builds at {@code base} with {@code build} and checks every produced instruction against
   * Capstone.
   */
  private void check(String call, long base, Consumer<Asm> build) {
    Asm a = new Asm(base);
    build.accept(a);
    List<Insn> code = a.code();
    assertEquals(code.size() * 4, a.size(), call);
    assertEquals(base + a.size(), a.pc(), call);
    for (int i = 0; i < code.size(); i++) {
      Insn insn = code.get(i);
      long pc = base + 4L * i;
      String decoded = capstone.decode(insn.word(), pc);
      checked++;
      if (!insn.text().equals(decoded)) {
        problems.add(
            String.format(
                "%s -> %08x @0x%x: Asm says `%s`, Capstone `%s`",
                call, insn.word(), pc, insn.text(), decoded));
      }
    }
  }

  private long base() {
    return 0x10_0000L + 4L * rnd.nextInt(1 << 24);
  }

  private void report() {
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " of "
              + checked
              + " instructions have a text Capstone does not print:\n  "
              + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
    }
  }

  @Test
  void fixedInstructions() {
    check("nop()", base(), Asm::nop);
    check("svc0()", base(), Asm::svc0);
    check("clearNzcv()", base(), Asm::clearNzcv);
    report();
  }

  @Test
  void branches() {
    long[] distances = {-(1L << 27), -(1L << 27) + 4, -4, 0, 4, (1L << 27) - 4};
    long base = 0x1000_0000L;
    for (long d : distances) {
      check("b(pc" + (d < 0 ? "" : "+") + d + ")", base, a -> a.b(a.pc() + d));
    }
    for (int i = 0; i < 200; i++) {
      long d = 4L * (rnd.nextInt(1 << 26) - (1 << 25));
      long b = base();
      check("b(pc+" + d + ")", b + (1L << 27), a -> a.b(a.pc() + d));
    }
    // small absolute targets print in decimal: "b #4"
    check("b(4)", 0x1000, a -> a.b(4));
    check("b(0)", 0x1000, a -> a.b(0));
    report();
  }

  @Test
  void longIslandForms() {
    for (int rn = 0; rn < 32; rn++) {
      int r = rn;
      check("br(" + rn + ")", base(), a -> a.br(r));
    }
    check("btiJ()", base(), Asm::btiJ);
    for (int rt = 0; rt < 32; rt++) {
      for (int off : new int[] {1, 8, 9, 10, 16, 255, 256}) {
        int r = rt;
        check("strPre(" + rt + ", " + -off + ")", base(), a -> a.strPre(r, -off));
        if (off < 256) {
          check("ldrPost(" + rt + ", " + off + ")", base(), a -> a.ldrPost(r, off));
        }
      }
    }
    report();
  }

  @Test
  void stackPointerArithmetic() {
    for (int bytes : new int[] {0, 1, 8, 9, 10, 16, 80, 96, 0xFF0, 0xFFF}) {
      check("subSp(" + bytes + ")", base(), a -> a.subSp(bytes));
      check("addSp(" + bytes + ")", base(), a -> a.addSp(bytes));
    }
    for (int rd = 0; rd < 32; rd++) {
      for (int off : new int[] {0, 8, 9, 10, 64, 0xFFF, rnd.nextInt(0x1000)}) {
        int r = rd;
        check("addFromSp(" + rd + ", " + off + ")", base(), a -> a.addFromSp(r, off));
      }
    }
    report();
  }

  @Test
  void loadsAndStores() {
    for (int rt = 0; rt < 32; rt++) {
      for (int off : new int[] {0, 8, 64, 72, 80, 0x7FF8, 8 * rnd.nextInt(4096)}) {
        int r = rt;
        check("str(" + rt + ", " + off + ")", base(), a -> a.str(r, off));
        check("ldr(" + rt + ", " + off + ")", base(), a -> a.ldr(r, off));
      }
    }
    for (int i = 0; i < 32 * 32; i++) {
      int rt1 = i / 32;
      int rt2 = i % 32;
      int off = i % 7 == 0 ? new int[] {-512, -8, 0, 8, 504}[i % 5] : 8 * (rnd.nextInt(128) - 64);
      check("stp(" + rt1 + ", " + rt2 + ", " + off + ")", base(), a -> a.stp(rt1, rt2, off));
      if (rt1 != rt2) {
        check("ldp(" + rt1 + ", " + rt2 + ", " + off + ")", base(), a -> a.ldp(rt1, rt2, off));
      }
    }
    report();
  }

  @Test
  void addresses() {
    for (int rd = 0; rd < 31; rd++) {
      for (long d :
          new long[] {
            0, 1, -1, 0xFFF, 0x1000, -(1L << 32), (1L << 32) - 0x1001, rnd.nextInt() * 2L
          }) {
        int r = rd;
        long base = 0x2_0000_0000L + 4L * rnd.nextInt(1 << 20);
        // Xd = base + d for any d whose page is within +-4 GiB of the ADRP's page
        long target = base + d;
        if (Math.abs((target >> 12) - (base >> 12)) < (1L << 20)) {
          check(
              "address(" + rd + ", pc" + (d < 0 ? "" : "+") + d + ")",
              base,
              a -> a.address(r, target));
        }
      }
    }
    report();
  }

  @Test
  void loadsAndConditionalBranches() {
    for (int rd = 0; rd < 31; rd++) {
      int r = rd;
      for (long d :
          new long[] {0, 8, -16, 0xFF8, 0x1000, (1L << 32) - 0x1008, rnd.nextInt() * 8L}) {
        long base = 0x2_0000_0000L + 4L * rnd.nextInt(1 << 20);
        long target = base + d;
        if (Math.abs((target >> 12) - (base >> 12)) < (1L << 20)) {
          check("load(" + rd + ", pc" + (d < 0 ? "" : "+") + d + ")", base, a -> a.load(r, target));
        }
      }
      for (long d :
          new long[] {0, 4, -4, 12, (1L << 20) - 4, -(1L << 20), 4L * rnd.nextInt(1 << 16)}) {
        long base = 0x2_0000_0000L;
        check("cbnz(" + rd + ", pc" + (d < 0 ? "" : "+") + d + ")", base, a -> a.cbnz(r, base + d));
      }
    }
    report();
  }

  @Test
  void constants() {
    List<Long> values =
        new ArrayList<>(
            List.of(
                0L,
                1L,
                9L,
                10L,
                0xFFFFL,
                0x10000L,
                0x1_0000_0000L,
                1L << 48,
                1L << 63,
                -1L,
                Long.MIN_VALUE,
                Long.MAX_VALUE,
                1_000_000_000L,
                24_000_000L,
                0xFFFF_FFFFL,
                0x12345L,
                1L << 40,
                0x9E3779B97F4A7C15L));
    for (int i = 0; i < 64; i++) {
      long v = rnd.nextLong();
      // random half-words, some of them zero
      for (int h = 0; h < 4; h++) {
        if (rnd.nextInt(3) == 0) {
          v &= ~(0xFFFFL << (16 * h));
        }
      }
      values.add(v);
    }
    for (int rd = 0; rd < 32; rd++) {
      for (long v : values) {
        int r = rd;
        check("constant(" + rd + ", 0x" + Long.toHexString(v) + ")", base(), a -> a.constant(r, v));
      }
    }
    report();
  }

  @Test
  void threeRegisterForms() {
    for (int i = 0; i < 32 * 32 * 32; i += 7) {
      int x = i / 1024;
      int y = (i / 32) % 32;
      int z = i % 32;
      check("ldadd(" + x + ", " + y + ", " + z + ")", base(), a -> a.ldadd(x, y, z));
      check("mul(" + x + ", " + y + ", " + z + ")", base(), a -> a.mul(x, y, z));
      check("udiv(" + x + ", " + y + ", " + z + ")", base(), a -> a.udiv(x, y, z));
      check("add(" + x + ", " + y + ", " + z + ")", base(), a -> a.add(x, y, z));
    }
    for (int r = 0; r < 32; r++) {
      int reg = r;
      int other = (r + 13) % 32;
      for (int[] o :
          new int[][] {
            {reg, other, other}, {other, reg, other}, {other, other, reg}, {reg, reg, reg}
          }) {
        check(
            "ldadd(" + o[0] + ", " + o[1] + ", " + o[2] + ")",
            base(),
            a -> a.ldadd(o[0], o[1], o[2]));
        check(
            "mul(" + o[0] + ", " + o[1] + ", " + o[2] + ")", base(), a -> a.mul(o[0], o[1], o[2]));
        check(
            "udiv(" + o[0] + ", " + o[1] + ", " + o[2] + ")",
            base(),
            a -> a.udiv(o[0], o[1], o[2]));
        check(
            "add(" + o[0] + ", " + o[1] + ", " + o[2] + ")", base(), a -> a.add(o[0], o[1], o[2]));
      }
    }
    report();
  }

  @Test
  void aLongSequenceKeepsPcsRight() {
    long base = 0x40_0FF0L; // crosses a page boundary
    check(
        "sequence",
        base,
        a -> {
          a.subSp(96)
              .stp(0, 1, 0)
              .str(8, 16)
              .address(16, base + 0x12_3456L)
              .constant(17, 0x9E3779B97F4A7C15L)
              .ldadd(17, 17, 16)
              .addFromSp(1, 64)
              .svc0()
              .ldp(0, 1, 0)
              .ldr(8, 16)
              .addSp(96)
              .clearNzcv()
              .nop();
          for (int i = 0; i < 1000; i++) {
            a.b(a.pc() - 4L * i);
          }
        });
    assertTrue(checked > 1000);
    report();
  }

  /**
   * A new builder method must be added to the tests above (and to this list) before it can be used.
   */
  @Test
  void everyBuilderMethodIsCovered() {
    java.util.Set<String> builders = new java.util.TreeSet<>();
    for (java.lang.reflect.Method m : Asm.class.getDeclaredMethods()) {
      if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getReturnType() == Asm.class) {
        builders.add(m.getName());
      }
    }
    assertEquals(
        new java.util.TreeSet<>(
            List.of(
                "nop",
                "b",
                "subSp",
                "addSp",
                "addFromSp",
                "str",
                "ldr",
                "load",
                "cbnz",
                "stp",
                "ldp",
                "address",
                "constant",
                "ldadd",
                "mul",
                "udiv",
                "add",
                "svc0",
                "clearNzcv",
                "br",
                "btiJ",
                "strPre",
                "ldrPost")),
        builders);
  }

  /**
   * The single instruction {@code build} emits at 0x1000 has text {@code expected}, and Capstone
   * agrees.
   */
  private static void assertText(String expected, Consumer<Asm> build) {
    Asm a = new Asm(0x1000);
    build.accept(a);
    List<Insn> code = a.code();
    assertEquals(1, code.size());
    assertEquals(expected, capstone.decode(code.get(0).word(), 0x1000), "Capstone");
    assertEquals(expected, code.get(0).text(), "Asm");
  }

  // Reproducers: each of these texts used to differ from Capstone's, so verify would have
  // reported a correct trampoline as corrupt had one used the form.

  @Test
  void negativePairOffsetsPrintSigned() {
    assertText("stp x0, x1, [sp, #-0x10]", a -> a.stp(0, 1, -16));
    assertText("ldp x2, x3, [sp, #-8]", a -> a.ldp(2, 3, -8));
    assertText("stp x29, x30, [sp, #-0x200]", a -> a.stp(29, 30, -512));
  }

  @Test
  void addSpZeroPrintsAsMovSpSp() {
    assertText("mov sp, sp", a -> a.addSp(0));
  }

  @Test
  void addFromSpIntoRegister31NamesSp() {
    assertText("add sp, sp, #0x10", a -> a.addFromSp(31, 16));
    assertText("mov sp, sp", a -> a.addFromSp(31, 0));
  }

  @Test
  void ldaddBaseRegister31IsSp() {
    assertText("ldadd x1, x2, [sp]", a -> a.ldadd(1, 2, 31));
  }

  @Test
  void ldaddIntoXzrPrintsAsStadd() {
    assertText("stadd x1, [x3]", a -> a.ldadd(1, 31, 3));
    assertText("stadd xzr, [sp]", a -> a.ldadd(31, 31, 31));
  }

  /**
   * Reproducer: address(31, a) emitted ADRP XZR (a no-op) then ADD with Rd = Rn = 31, which is
   * {@code add sp, sp, #lo12}: it moved the stack pointer, while its text said xzr.
   */
  @Test
  void addressIntoRegister31WouldMoveSp() {
    assertEquals(0x910103FF, A64.addImm(31, 31, 0x40, false), "ADD immediate reads 31 as SP");
    assertEquals("add sp, sp, #0x40", capstone.decode(0x910103FF, 0x1000));
    assertThrows(IllegalArgumentException.class, () -> new Asm(0x1000).address(31, 0x5040));
  }
}
