package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code dpdk-test} (package dpdk-dev), a PIE whose 226 MiB {@code .bss} puts every one of
 * its 1,379 reads beyond the reach of B from the new segment, and whose padding between functions
 * (runs of 1 to 3 words) has room for the long islands of only a few hundred of them: the default
 * patch reaches them all, through islands in the tail of its code segment as well (docs/design.md,
 * section 10). Verify passes, restore is byte-exact, and the patched program runs under qemu with
 * the Debian libraries it links: its stack benchmark, which times push and pop with the counter it
 * reads, passes, prints identical figures on two runs (zero cycles: the patched counter advances by
 * one step per read), where the original prints figures that vary.
 */
class DpdkTestProgramTest {
  @TempDir Path dir;

  @Test
  void everyReadIsReachedAndTheProgramRuns() throws Exception {
    Path original = Corpus.dpdkProgram("dpdk-test");
    Path out = dir.resolve("dpdk-test");
    Patcher.Outcome o =
        Patcher.patch(original, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    PatchPlan plan = o.plan();
    assertTrue(plan.sites().size() > 1000, "the reads of dpdk-test: " + plan.sites().size());
    assertEquals(plan.sites().size(), plan.count(SitePlan.Action.TRAMPOLINE), "all patched");
    assertEquals(plan.sites().size(), plan.throughIslands(), "all beyond reach of B");
    List<SegmentGrowth> grown = SegmentGrowth.of(ElfFile.read(original), plan.sites());
    assertEquals(1, grown.size(), "the code segment's tail holds islands");
    assertTrue(Verifier.verify(ElfFile.read(out)).ok());
    out.toFile().setExecutable(true);

    String first = benchmark(out);
    assertTrue(first.contains("Test OK"), first);
    assertEquals(first, benchmark(out), "identical on two runs");
    List<String> patched = figures(first);
    assertFalse(patched.isEmpty(), first);
    assertTrue(patched.stream().allMatch("0.00"::equals), first);
    String before = benchmark(original);
    assertTrue(before.contains("Test OK"), before);
    assertNotEquals(patched, figures(before), "the original reads the real counter");

    Path restored = dir.resolve("dpdk-test.restored");
    Patcher.restore(out, restored, PatchWriter.Hooks.NONE);
    assertEquals(-1L, Files.mismatch(restored, original), "restore is byte-exact");
  }

  /** The output of dpdk-test's stack benchmark on one core, without EAL's start-up lines. */
  private static String benchmark(Path program) {
    Tools.Result r =
        Qemu.run(
            program,
            List.of(
                "--no-huge", "--no-pci", "-m", "64", "--no-shconf", "-l", "0", "--no-telemetry"),
            Map.of(
                "LD_LIBRARY_PATH", Corpus.dpdkLibraryPath(), "DPDK_TEST", "stack_perf_autotest"));
    assertEquals(0, r.exitCode(), r.describe());
    return r.stdout().lines().filter(l -> !l.startsWith("EAL")).reduce("", (a, b) -> a + b + "\n");
  }

  /** The cycle figures of the benchmark's "Average cycles ..." and "Stack empty pop" lines. */
  private static List<String> figures(String output) {
    return output
        .lines()
        .filter(l -> l.startsWith("Average cycles") || l.startsWith("Stack empty pop"))
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .toList();
  }
}
