package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.QemuGdb;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Patched programs unwind, proven by running them under qemu-aarch64: a profiler-style sampler
 * (SIGPROF every 2 ms, unwinding from the handler with glibc's backtrace() or libgcc's
 * _Unwind_Backtrace) reaches main from at least 99% of the samples taken inside trampolines and of
 * those in original code; C++ exceptions still propagate through functions whose reads are patched;
 * gdb's backtrace from inside a trampoline names it and reaches main.
 */
class CfiRunTest {
  @TempDir Path dir;

  static final int SAMPLES = 200;

  static Stream<Arguments> sampled() {
    List<Arguments> out = new ArrayList<>();
    for (String layout : List.of("pie", "static", "shared")) {
      for (String bp : List.of("", "-pac")) {
        String program = "sampling" + bp + "-" + layout;
        out.add(Arguments.of(program, Strategy.COUNTER, "backtrace"));
        out.add(Arguments.of(program, Strategy.CLOCK, "backtrace"));
        out.add(Arguments.of(program, Strategy.CLOCK, "unwind"));
      }
    }
    return out.stream();
  }

  /** Patches the program (for "shared" its library, which it finds beside itself by $ORIGIN). */
  private Path patchedProgram(String program, Strategy strategy) throws Exception {
    PatchOptions options = PatchOptions.defaults().withStrategy(strategy);
    Path exe = dir.resolve(program);
    if (program.endsWith("-shared")) {
      String lib = "lib" + program.replace("-shared", ".so");
      Files.copy(TestData.bin(program), exe);
      patch(TestData.bin(lib), dir.resolve(lib), options);
    } else {
      patch(TestData.bin(program), exe, options);
    }
    exe.toFile().setExecutable(true);
    return exe;
  }

  private static void patch(Path in, Path out, PatchOptions options) throws Exception {
    Patcher.Outcome o = Patcher.patch(in, out, options, false, PatchWriter.Hooks.NONE);
    assertEquals(Patcher.Result.PATCHED, o.result(), in.toString());
    Patching.assertWellFormed(out);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("sampled")
  void samplesInTrampolinesUnwindToMain(String program, Strategy strategy, String mode)
      throws Exception {
    Path exe = patchedProgram(program, strategy);
    Path loop =
        program.endsWith("-shared") ? dir.resolve("lib" + program.replace("-shared", ".so")) : exe;
    ElfSection text = ElfFile.read(loop).section(".a64patch.text").orElseThrow();
    Tools.Result r = Qemu.run(exe, List.of(mode, Integer.toString(SAMPLES)), Map.of());
    assertEquals(0, r.exitCode(), r.describe());
    long base = 0;
    int inTrampoline = 0;
    int inTrampolineOk = 0;
    int elsewhere = 0;
    int elsewhereOk = 0;
    for (String line : r.stdout().split("\n")) {
      String[] f = line.split(" ");
      if (f[0].equals("B")) {
        base = Long.parseUnsignedLong(f[1], 16);
      } else if (f[0].equals("S")) {
        long pc = Long.parseUnsignedLong(f[1], 16) - base;
        boolean ok = f[2].equals("1");
        if (pc >= text.addr() && pc < text.addr() + text.size()) {
          inTrampoline++;
          if (ok) inTrampolineOk++;
        } else {
          elsewhere++;
          if (ok) elsewhereOk++;
        }
      }
    }
    String counts =
        String.format(
            "%s: %d/%d samples in trampolines and %d/%d elsewhere reached main",
            program, inTrampolineOk, inTrampoline, elsewhereOk, elsewhere);
    assertEquals(SAMPLES, inTrampoline + elsewhere, r.describe());
    assertTrue(inTrampoline >= 5, "too few samples in trampolines to judge: " + counts);
    assertTrue(inTrampolineOk >= 0.99 * inTrampoline, counts);
    // The samples elsewhere are the control (the unwinder works here at all), not the claim: code
    // a64patch never touched may be caught between two instructions that its compiler's CFI does
    // not describe, so a miss or two is the control's noise (seen once in 55 on
    // sampling-pac-shared under load, twice in 149 on sampling-shared with the other core busy),
    // not a fault of the trampolines.
    assertTrue(elsewhere - elsewhereOk <= Math.max(2, elsewhere / 50), counts);
  }

  /** A C++ exception thrown below a function whose counter reads are patched reaches main. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Strategy.class,
      names = {"COUNTER", "CLOCK"})
  void exceptionsPropagateThroughPatchedFunctions(Strategy strategy) throws Exception {
    Path exe = dir.resolve("exceptions");
    patch(TestData.bin("exceptions"), exe, PatchOptions.defaults().withStrategy(strategy));
    exe.toFile().setExecutable(true);
    Tools.Result r = Qemu.run(exe);
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals("caught 3\n", r.stdout());
  }

  /**
   * gdb attached to qemu's gdb stub stops inside a trampoline (by its symbol) and its backtrace
   * names the trampoline and reaches main, from the first instruction and after the trampoline has
   * moved SP.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(
      value = Strategy.class,
      names = {"COUNTER", "CLOCK"})
  void gdbBacktraceFromATrampolineReachesMain(Strategy strategy) throws Exception {
    Path exe = patchedProgram("sampling-pie", strategy);
    String tramp = "a64patch." + strategy.id() + ".sampling_frame+0x";
    String name =
        ElfFile.read(exe).symbols().stream()
            .map(s -> s.name())
            .filter(n -> n.startsWith(tramp))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no symbol " + tramp + "*"));
    QemuGdb.Traces t =
        QemuGdb.backtraces(exe, List.of("none"), name, 2, dir.resolve("program.out"));
    assertEquals(2, t.backtraces().size(), t.gdb().describe());
    for (String bt : t.backtraces()) {
      assertTrue(
          bt.lines().findFirst().orElse("").contains(" in " + name + " ("), t.gdb().describe());
      assertTrue(bt.matches("(?s).*\\n#1 .* in main \\(.*"), t.gdb().describe());
    }
  }
}
