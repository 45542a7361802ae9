package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.patch.Trampolines.Kind;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbol;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the trampolines. A tiny static AArch64 program (no libc) is generated and assembled with GNU
 * as at test time; for every kind and every rt in x0..x30 it loads x0..x30 and NZCV with known
 * values, reaches a site whose word is {@code b tramp} (what the patcher writes), and on return at
 * site+4 checks in assembly that every other register, SP, NZCV (RNDR kinds: 0000) and 512 bytes of
 * the caller's stack above SP are unchanged, and that Xt is plausible: counter = COUNTER_START,
 * then +step per read; clock = between the program's own clock_gettime before and after, converted
 * the same way; constant = the frequency; RNDR sequence = n * 0x9E3779B97F4A7C15 for n = 1, 2, ...;
 * getrandom = not the value Xt held. It prints OK or the first failure and exits 0 or 1 under
 * qemu-aarch64.
 *
 * <p>The trampolines are the bytes {@link Trampolines#encode} produces, emitted as {@code .long} in
 * their own section; the linker places the sections at the addresses the trampolines were encoded
 * for (near; ~127 MiB and ~3.75 GiB above; the same below).
 */
class TrampolinesQemuTest {
  static final long PATTERN = 0x5AA5_0000_0000_00C3L;
  static final long CANARY = 0xC0DE_CAFE_0000_0000L;
  static final long[] NZCV = {0xF000_0000L, 0xA000_0000L, 0x5000_0000L, 0x9000_0000L, 0x4000_0000L};
  static final long SCRAMBLE = 0x9E3779B97F4A7C15L;
  static final int CASE_SIZE = 0x400;
  static final int SITE_OFFSET = 0x200;
  static final int CASES_AT = 0x1000;
  static final int TRAMP_SLOT = 0x100;

  record Layout(String name, long text, long tramp, long data, long step, long frequency) {
    @Override
    public String toString() {
      return String.format(
          "%s (text 0x%x, trampolines 0x%x, data 0x%x, step %d, %d Hz)",
          name, text, tramp, data, step, frequency);
    }
  }

  static Stream<Layout> layouts() {
    return Stream.of(
        new Layout("near", 0x40_0000L, 0x80_0000L, 0x90_0000L, 1, 0xFFFF_FFFFL),
        new Layout(
            "far above",
            0x40_0000L,
            0x40_0000L + 0x7F0_0000L,
            0x40_0000L + 0x7F0_0000L + 0xF000_0000L,
            0x12345,
            24_000_000L),
        new Layout(
            "far below",
            0x20_0000L + 0xF000_0000L + 0x7F0_0000L,
            0x20_0000L + 0xF000_0000L,
            0x20_0000L,
            1000,
            1_000_000_000L));
  }

  record Case(int index, Kind kind, int rt) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("layouts")
  void trampolinesKeepEveryRegisterAndProduceTheirValue(Layout layout, @TempDir Path dir)
      throws IOException {
    Path as = Tools.require("aarch64-linux-gnu-as");
    Path ld = Tools.require("aarch64-linux-gnu-ld");
    Path qemu = Tools.require("qemu-aarch64");
    PatchOptions d = PatchOptions.defaults();
    PatchOptions options =
        new PatchOptions(
            Strategy.COUNTER,
            Set.of(),
            layout.step(),
            layout.frequency(),
            false,
            d.outOfRange(),
            RndrMode.DETERMINISTIC,
            d.maxPadding());

    List<Case> cases = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (int rt = 0; rt <= 30; rt++) {
        cases.add(new Case(cases.size(), kind, rt));
      }
    }
    Map<String, Long> expected = new HashMap<>();
    StringBuilder s = new StringBuilder();
    harnessStart(s);
    StringBuilder tramp = new StringBuilder("\n\t.section .tramp, \"ax\", %progbits\n");
    for (Case c : cases) {
      long site = layout.text() + CASES_AT + (long) c.index() * CASE_SIZE + SITE_OFFSET;
      long at = layout.tramp() + (long) c.index() * TRAMP_SLOT;
      List<Insn> code = Trampolines.encode(c.kind(), c.rt(), site, at, layout.data(), options);
      assertTrue(code.size() * 4 <= TRAMP_SLOT, c + " is " + code.size() * 4 + " bytes");
      expected.put("site_" + c.index(), site);
      expected.put("tramp_" + c.index(), at);
      caseBlock(s, c, cases.size());
      tramp
          .append("\t.org 0x")
          .append(Long.toHexString((long) c.index() * TRAMP_SLOT))
          .append("\ntramp_")
          .append(c.index())
          .append(":\t// ")
          .append(c.kind())
          .append(" x")
          .append(c.rt())
          .append('\n');
      for (Insn i : code) {
        tramp.append(String.format("\t.long 0x%08x\t// %s%n", i.word(), i.text()));
      }
    }
    s.append("\t.org 0x")
        .append(Integer.toHexString(CASES_AT + cases.size() * CASE_SIZE))
        .append('\n');
    checkRoutine(s);
    s.append(tramp);
    dataSection(s, cases, options);
    expected.put("data_block", layout.data());

    Path src = Files.writeString(dir.resolve("tramp-test.s"), s);
    Path obj = dir.resolve("tramp-test.o");
    Path prog = dir.resolve("tramp-test");
    run(List.of(as.toString(), "-march=armv8.1-a", "-o", obj.toString(), src.toString()));
    run(
        List.of(
            ld.toString(),
            "-static",
            "-e",
            "_start",
            "-Ttext=0x" + Long.toHexString(layout.text()),
            "-Tdata=0x" + Long.toHexString(layout.data()),
            "--section-start=.tramp=0x" + Long.toHexString(layout.tramp()),
            "-o",
            prog.toString(),
            obj.toString()));

    // The linker put everything where the trampolines were encoded for, and each site is
    // a direct B (no range-extending veneer, which would clobber x16/x17).
    ElfFile elf = ElfFile.read(prog);
    Map<String, Long> symbols = new HashMap<>();
    for (ElfSymbol sym : elf.symbols()) {
      symbols.put(sym.name(), sym.value());
      assertTrue(!sym.name().contains("veneer"), "linker veneer " + sym.name());
    }
    ByteBuffer bytes = elf.bytes();
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertEquals(e.getValue(), symbols.get(e.getKey()), e.getKey());
      if (e.getKey().startsWith("site_")) {
        long site = e.getValue();
        long at = expected.get("tramp_" + e.getKey().substring(5));
        int word = bytes.getInt(Math.toIntExact(elf.offsetOf(site).orElseThrow()));
        assertEquals(A64.b(site, at), word, e.getKey() + " is b tramp");
      }
    }

    Tools.Result r = Tools.run(List.of(qemu.toString(), prog.toString()), Duration.ofSeconds(60));
    assertEquals(
        "OK " + cases.size() + "\n",
        r.stdout(),
        layout + ": " + r.describe() + "\n(program kept in " + src + ")");
    assertEquals(0, r.exitCode(), r.describe());
  }

  private static long value(int k, int reg) {
    return PATTERN + ((long) k << 16) + ((long) reg << 8);
  }

  private static void harnessStart(StringBuilder s) {
    s.append(
        """
                // Generated by TrampolinesQemuTest: runs each trampoline once and checks its effects.
                \t.text
                \t.globl _start
                _start:
                \tsub sp, sp, #512           // a caller frame whose contents must survive
                \tmov x0, sp
                \tldr x1, =0x%x
                \tmov x2, #64
                1:\tstr x1, [x0], #8
                \tadd x1, x1, #1
                \tsubs x2, x2, #1
                \tb.ne 1b
                \tldr x0, =initial_sp
                \tmov x1, sp
                \tstr x1, [x0]
                \tb case_0
                \t.ltorg
                """
            .formatted(CANARY));
  }

  private static void caseBlock(StringBuilder s, Case c, int count) {
    int k = c.index();
    s.append("\n\t.org 0x").append(Integer.toHexString(CASES_AT + k * CASE_SIZE)).append('\n');
    s.append("case_")
        .append(k)
        .append(":\t// ")
        .append(c.kind())
        .append(" x")
        .append(c.rt())
        .append('\n');
    s.append(
        "\tmov x0, #1\n\tldr x1, =ts_before\n\tmov x8, #113\n\tsvc #0\n"); // clock_gettime(CLOCK_MONOTONIC)
    s.append("\tldr x0, =0x")
        .append(Long.toHexString(NZCV[k % NZCV.length]))
        .append("\n\tmsr nzcv, x0\n");
    for (int r = 0; r <= 30; r++) {
      s.append("\tldr x")
          .append(r)
          .append(", =0x")
          .append(Long.toHexString(value(k, r)))
          .append('\n');
    }
    s.append("\tb site_").append(k).append("\n\t.ltorg\n");
    s.append("\t.org 0x")
        .append(Integer.toHexString(CASES_AT + k * CASE_SIZE + SITE_OFFSET))
        .append('\n');
    s.append("site_").append(k).append(":\n\tb tramp_").append(k).append("\t// the patched read\n");
    s.append("\tsub sp, sp, #256\n");
    for (int r = 0; r < 30; r += 2) {
      s.append("\tstp x")
          .append(r)
          .append(", x")
          .append(r + 1)
          .append(", [sp, #")
          .append(8 * r)
          .append("]\n");
    }
    s.append("\tstr x30, [sp, #240]\n\tmrs x0, nzcv\n\tstr x0, [sp, #248]\n");
    s.append("\tmov x0, #1\n\tldr x1, =ts_after\n\tmov x8, #113\n\tsvc #0\n");
    s.append("\tmov x0, #").append(k).append("\n\tbl check\n\tadd sp, sp, #256\n");
    s.append(k + 1 < count ? "\tb case_" + (k + 1) + "\n" : "\tb all_ok\n");
    s.append("\t.ltorg\n");
  }

  /** check(x0 = case): the saved x0..x30 at [sp], NZCV at [sp, #248]; returns or exits 1. */
  private static void checkRoutine(StringBuilder s) {
    s.append(
        """
                check:
                \tldr x9, =cases
                \tadd x9, x9, x0, lsl #5
                \tldp x10, x11, [x9]          // kind (Trampolines.Kind ordinal), rt
                \tldp x12, x13, [x9, #16]     // step or frequency, NZCV on entry
                \tmov x20, x0
                \tldr x16, =0x%x
                \tadd x16, x16, x0, lsl #16   // value(k, i) = x16 + (i << 8)
                \tmov x14, #0
                1:\tcmp x14, x11
                \tb.eq 2f
                \tldr x15, [sp, x14, lsl #3]
                \tadd x17, x16, x14, lsl #8
                \tcmp x15, x17
                \tb.ne fail_reg
                2:\tadd x14, x14, #1
                \tcmp x14, #31
                \tb.lo 1b
                \tadd x15, sp, #256
                \tldr x18, =initial_sp
                \tldr x18, [x18]
                \tcmp x15, x18
                \tb.ne fail_sp
                \tldr x17, =0x%x
                \tmov x14, #0
                3:\tldr x15, [x18, x14, lsl #3]
                \tadd x19, x17, x14
                \tcmp x15, x19
                \tb.ne fail_canary
                \tadd x14, x14, #1
                \tcmp x14, #64
                \tb.lo 3b
                \tldr x15, [sp, #248]
                \tcmp x10, #%d
                \tcsel x13, xzr, x13, hs     // the RNDR kinds must leave NZCV = 0000
                \tcmp x15, x13
                \tb.ne fail_nzcv
                \tldr x15, [sp, x11, lsl #3]  // the value the trampoline produced
                \tcmp x10, #%d
                \tb.eq v_counter
                \tcmp x10, #%d
                \tb.eq v_clock
                \tcmp x10, #%d
                \tb.eq v_constant
                \tcmp x10, #%d
                \tb.eq v_sequence
                \tb v_getrandom
                v_counter:
                \tldr x17, =exp_counter
                \tldr x16, [x17]
                \tmov x13, x16
                \tcmp x15, x16
                \tb.ne fail_val
                \tadd x16, x16, x12
                \tstr x16, [x17]
                \tret
                v_clock:                      // ticks(ts_before) <= value <= ticks(ts_after)
                \tldr x5, =1000000000
                \tldr x17, =ts_before
                \tldp x3, x4, [x17]
                \tmul x3, x3, x12
                \tmul x4, x4, x12
                \tudiv x4, x4, x5
                \tadd x3, x3, x4
                \tldr x17, =ts_after
                \tldp x6, x7, [x17]
                \tmul x6, x6, x12
                \tmul x7, x7, x12
                \tudiv x7, x7, x5
                \tadd x6, x6, x7
                \tmov x13, x3
                \tcmp x15, x3
                \tb.lo fail_val
                \tmov x13, x6
                \tcmp x15, x6
                \tb.hi fail_val
                \tret
                v_constant:
                \tmov x13, x12
                \tcmp x15, x12
                \tb.ne fail_val
                \tret
                v_sequence:
                \tldr x17, =exp_seq
                \tldr x16, [x17]
                \tldr x5, =0x%x
                \tmul x13, x16, x5
                \tcmp x15, x13
                \tb.ne fail_val
                \tadd x16, x16, #1
                \tstr x16, [x17]
                \tret
                v_getrandom:                  // 8 fresh bytes: anything but what Xt held
                \tadd x13, x16, x11, lsl #8
                \tcmp x15, x13
                \tb.eq fail_val
                \tret
                fail_reg:
                \tmov x21, #'R'
                \tmov x22, x14
                \tb fail
                fail_sp:
                \tmov x21, #'S'
                \tmov x22, x18
                \tb fail
                fail_canary:
                \tmov x21, #'C'
                \tmov x22, x14
                \tb fail
                fail_nzcv:
                \tmov x21, #'F'
                \tmov x22, x13
                \tb fail
                fail_val:
                \tmov x21, #'V'
                \tmov x22, x13
                fail:                         // FAIL case=<k> what=<R|S|C|F|V> arg=<reg or expected> got=<value>
                \tmov x23, x15
                \tmov x0, x20
                \tldr x1, =msg_case
                \tbl hexfill
                \tldr x1, =msg_what
                \tstrb w21, [x1]
                \tmov x0, x22
                \tldr x1, =msg_arg
                \tbl hexfill
                \tmov x0, x23
                \tldr x1, =msg_got
                \tbl hexfill
                \tldr x1, =msg
                \tmov x2, #(msg_end - msg)
                \tmov x0, #1
                \tmov x8, #64                 // write
                \tsvc #0
                \tmov x0, #1
                \tmov x8, #93                 // exit(1)
                \tsvc #0
                all_ok:
                \tldr x1, =msg_ok
                \tmov x2, #(msg_ok_end - msg_ok)
                \tmov x0, #1
                \tmov x8, #64
                \tsvc #0
                \tmov x0, #0
                \tmov x8, #93                 // exit(0)
                \tsvc #0
                hexfill:                      // 16 hex digits of x0 at [x1]
                \tmov x2, #16
                1:\tsub x2, x2, #1
                \tand x3, x0, #0xf
                \tadd x4, x3, #'0'
                \tadd x5, x3, #('a' - 10)
                \tcmp x3, #10
                \tcsel x4, x4, x5, lo
                \tstrb w4, [x1, x2]
                \tlsr x0, x0, #4
                \tcbnz x2, 1b
                \tret
                \t.ltorg
                """
            .formatted(
                PATTERN,
                CANARY,
                Kind.RNDR_SEQUENCE.ordinal(),
                Kind.COUNTER.ordinal(),
                Kind.CLOCK.ordinal(),
                Kind.CONSTANT.ordinal(),
                Kind.RNDR_SEQUENCE.ordinal(),
                SCRAMBLE));
  }

  private static void dataSection(StringBuilder s, List<Case> cases, PatchOptions o) {
    assertEquals(0, Trampolines.COUNTER_OFFSET);
    assertEquals(8, Trampolines.RNDR_SEQUENCE_OFFSET);
    assertEquals(16, Trampolines.CLOCK_SLOT_OFFSET);
    assertEquals(24, Trampolines.DATA_SIZE);
    s.append(
        "\n\t.data\n\t.globl data_block\ndata_block:\t// the object's RW block, initialised as ImageBuilder does\n");
    s.append("\t.quad 0x")
        .append(Long.toHexString(Trampolines.COUNTER_START))
        .append("\t// the virtual counter\n");
    s.append("\t.quad 1\t// the RNDR sequence number\n");
    s.append("\t.quad 0\t// the shared clock's slot: 0, no definition, so the own counter\n");
    s.append("initial_sp:\t.quad 0\n");
    s.append("exp_counter:\t.quad 0x")
        .append(Long.toHexString(Trampolines.COUNTER_START))
        .append('\n');
    s.append("exp_seq:\t.quad 1\n");
    s.append("ts_before:\t.quad 0, 0\nts_after:\t.quad 0, 0\n");
    s.append("cases:\n");
    for (Case c : cases) {
      // With its slot 0, SHARED_COUNTER must behave exactly as COUNTER: checked as one.
      Kind checked = c.kind() == Kind.SHARED_COUNTER ? Kind.COUNTER : c.kind();
      long param = checked == Kind.COUNTER ? o.step() : o.frequency();
      s.append(
          String.format(
              "\t.quad %d, %d, 0x%x, 0x%x\t// case %d%n",
              checked.ordinal(), c.rt(), param, NZCV[c.index() % NZCV.length], c.index()));
    }
    s.append(
        """
                msg:\t.ascii "FAIL case="
                msg_case:\t.ascii "0000000000000000"
                \t.ascii " what="
                msg_what:\t.ascii "?"
                \t.ascii " arg="
                msg_arg:\t.ascii "0000000000000000"
                \t.ascii " got="
                msg_got:\t.ascii "0000000000000000"
                \t.ascii "\\n"
                msg_end:
                msg_ok:\t.ascii "OK %d\\n"
                msg_ok_end:
                """
            .formatted(cases.size()));
  }

  private static void run(List<String> command) {
    Tools.Result r = Tools.run(command, Duration.ofMinutes(1));
    if (r.exitCode() != 0 || !r.stderr().isBlank()) {
      throw new AssertionError(String.join(" ", command) + " failed: " + r.describe());
    }
  }
}
