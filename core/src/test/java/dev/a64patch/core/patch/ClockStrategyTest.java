package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * clock: real monotonic time in ticks of the nominal frequency, and CNTFRQ_EL0 reads say that
 * frequency.
 */
class ClockStrategyTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} at {1} Hz")
  @CsvSource({"sleep100, 1000000000", "sleep100, 24000000", "sleep100-clock-nopie, 62500000"})
  void aHundredMillisecondSleepShowsAsAHundredMillisecondsOfTicks(String name, long frequency)
      throws Exception {
    String bin = name.equals("sleep100-clock-nopie") ? "sleep100-clang-nopie" : name;
    PatchOptions options =
        new PatchOptions(
            Strategy.CLOCK,
            Set.of(),
            1,
            frequency,
            false,
            OutOfRangePolicy.FAIL,
            RndrMode.OFF,
            PatchOptions.DEFAULT_MAX_PADDING);
    Path patched = Patching.patchCopy(TestData.bin(bin), dir, options);
    Patching.assertWellFormed(patched);
    Tools.Result r = Qemu.run(patched);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(
        r.stdout().contains("F " + frequency + "\n"),
        "CNTFRQ_EL0 must read the nominal frequency: " + r.stdout());
    long ms = Long.parseLong(r.stdout().replaceAll("(?s).*\\nMS (\\d+)\\n.*", "$1"));
    assertTrue(ms >= 100 && ms < 400, "slept 100 ms, ticks say " + ms + " ms:\n" + r.stdout());
    List<BigInteger> t = Qemu.values(r.stdout());
    assertTrue(t.get(1).compareTo(t.get(0)) > 0, "monotonic: " + t);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"counters-gcc-pie", "counters-clang-static", "counters-gcc-nopie"})
  void clockValuesIncreaseInProgramOrderAndVaryBetweenRuns(String name) throws Exception {
    Path patched =
        Patching.patchCopy(
            TestData.bin(name), dir, PatchOptions.defaults().withStrategy(Strategy.CLOCK));
    Tools.Result a = Qemu.run(patched, "--call", "cntpct", "cntvctss", "cntpctss");
    Tools.Result b = Qemu.run(patched, "--call", "cntpct", "cntvctss", "cntpctss");
    assertEquals(0, a.exitCode(), a.describe());
    List<BigInteger> va = Qemu.values(a.stdout());
    for (int i = 1; i < va.size(); i++) {
      assertTrue(va.get(i).compareTo(va.get(i - 1)) >= 0, "clock values must not go back: " + va);
    }
    assertNotEquals(va, Qemu.values(b.stdout()), "real time: a second run reads later values");
  }
}
