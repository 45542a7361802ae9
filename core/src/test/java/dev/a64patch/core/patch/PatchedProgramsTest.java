package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every runnable testdata program (PIE, non-PIE, static, static-pie, BTI/PAC, 4K/64K pages, gcc and
 * clang), patched with each strategy, must load and run under qemu-aarch64 with the same output as
 * the original except for counter values.
 */
class PatchedProgramsTest {
  @TempDir Path dir;

  static Stream<Arguments> programs() {
    return TestData.runnable().stream()
        .filter(
            b ->
                !b.needsCorpus()
                    && !b.name().equals("dlopen_counters")
                    // its own test: SharedClockTest
                    && !b.name().equals("clockshare"))
        .flatMap(
            b ->
                Stream.of(Strategy.values())
                    // Spin-waits on a frozen or stale counter never end; that is the documented
                    // cost.
                    .filter(
                        s ->
                            !(b.name().startsWith("spin")
                                && (s == Strategy.ZERO || s == Strategy.NOP)))
                    .map(s -> Arguments.of(b, s)));
  }

  /**
   * Everything that varies run to run rewritten: uncertain sites too (testdata has a read outside
   * any function) and RNDR. Files without section headers keep the defaults: there every find is
   * uncertain and their R+X segment also holds .rodata look-alike words.
   */
  static PatchOptions everything(TestData.Binary b, Strategy strategy) {
    boolean sections = !b.name().contains("noshdr");
    return new PatchOptions(
        strategy,
        java.util.Set.of(),
        PatchOptions.DEFAULT_STEP,
        PatchOptions.DEFAULT_FREQUENCY,
        sections,
        OutOfRangePolicy.FAIL,
        sections ? RndrMode.DETERMINISTIC : RndrMode.OFF,
        PatchOptions.DEFAULT_MAX_PADDING);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("programs")
  void patchedProgramRunsLikeTheOriginal(TestData.Binary b, Strategy strategy) throws Exception {
    Tools.Result original = Qemu.run(b, b.path());
    assertEquals(0, original.exitCode(), "original " + b + ": " + original.describe());
    Path patched = Patching.patchCopy(b.path(), dir, everything(b, strategy));
    Patching.assertWellFormed(patched);
    Tools.Result run = Qemu.run(b, patched);
    assertEquals(original.exitCode(), run.exitCode(), run.describe());
    if (strategy == Strategy.NOP) {
      // xt keeps a stale value, so lines derived from it (orderings) may change; it must still
      // finish.
      assertTrue(
          run.stdout().contains("ok")
              || run.stdout().contains("done")
              || run.stdout().contains("MS"),
          run.describe());
      return;
    }
    assertEquals(
        Qemu.masked(original.stdout()), Qemu.masked(run.stdout()), "masked output of " + b);
    if (strategy == Strategy.COUNTER && !b.name().contains("noshdr")) {
      for (int i = 0; i < 2; i++) {
        assertEquals(
            run.stdout(), Qemu.run(b, patched).stdout(), "counter values must repeat run to run");
      }
    }
  }

  static Stream<TestData.Binary> counterPrograms() {
    return TestData.runnable().stream()
        .filter(b -> b.name().startsWith("counters-") && !b.name().contains("noshdr"));
  }

  /** The original shows why: its values differ run to run, so a replay would diverge. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("counterPrograms")
  void originalValuesVaryButPatchedOnesRepeat(TestData.Binary b) throws Exception {
    assertNotEquals(Qemu.run(b, b.path()).stdout(), Qemu.run(b, b.path()).stdout());
    Path patched = Patching.patchCopy(b.path(), dir, PatchOptions.defaults());
    List<BigInteger> values = Qemu.values(Qemu.run(b, patched).stdout());
    // Reads of the counters in program order see the counter advance by exactly the step.
    BigInteger step = BigInteger.valueOf(PatchOptions.DEFAULT_STEP);
    assertEquals(BigInteger.valueOf(Trampolines.COUNTER_START), values.get(0));
    assertEquals(values.get(0).add(step), values.get(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counterPrograms")
  void readersThatFaultUnderQemuWorkOncePatched(TestData.Binary b) throws Exception {
    List<String> args = List.of("--call", "cntpct", "cntvctss", "cntpctss");
    Tools.Result original = Qemu.run(b.path(), args, java.util.Map.of());
    assertNotEquals(
        0,
        original.exitCode(),
        "qemu has no FEAT_ECV, so the original must fault: " + original.describe());
    Path patched = Patching.patchCopy(b.path(), dir, PatchOptions.defaults());
    Tools.Result run = Qemu.run(patched, args, java.util.Map.of());
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(3, Qemu.values(run.stdout()).size(), run.stdout());
  }
}
