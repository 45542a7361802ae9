package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.closure.Launch;
import dev.a64patch.core.closure.Preparation;
import dev.a64patch.core.closure.PrepareRequest;
import dev.a64patch.core.closure.Preparer;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * one step per read), where the original prints figures that vary. And as a whole program: {@code
 * prepare} of its closure runs the same way with the shared clock.
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

  /**
   * The whole program, as a user prepares it for rr: {@code prepare} writes patched copies of
   * dpdk-test and of every Debian library of its closure that reads the counter (librte_eal and
   * others), with the shared clock preloaded, and leaves the originals alone. The prepared program
   * passes the benchmark with identical output on two runs.
   */
  @Test
  void thePreparedProgramRunsWithOneClock() throws Exception {
    Path program = Corpus.dpdkProgram("dpdk-test");
    byte[] before = Files.readAllBytes(program);
    PrepareRequest request =
        new PrepareRequest(
            program,
            Path.of(Qemu.SYSROOT),
            List.of(Corpus.dpdkLibraryPath().split(":")),
            null,
            List.of(),
            dir.resolve("prepared"),
            dir.resolve("cache"),
            PatchOptions.defaults(),
            List.of());
    Preparation p = Preparer.prepare(request);
    long patchedLibraries;
    try (var files = Files.list(p.output())) {
      patchedLibraries =
          files.filter(f -> f.getFileName().toString().startsWith("librte_")).count();
    }
    assertTrue(patchedLibraries > 1, "patched copies of the DPDK libraries that read the counter");
    assertEquals(p.output().resolve("dpdk-test"), p.program());
    assertTrue(p.env().get("LD_PRELOAD").contains("liba64patch-clock.so"), p.env().toString());
    List<String> prefix = List.of(Tools.require("qemu-aarch64").toString(), "-L", Qemu.SYSROOT);
    List<String> argv = new ArrayList<>(Launch.of(p, prefix, List.of(), ARGS).argv());
    argv.addAll(1, List.of("-E", "DPDK_TEST=stack_perf_autotest"));
    String first = withoutEal(Tools.run(argv, Duration.ofSeconds(120)));
    assertTrue(first.contains("Test OK"), first);
    assertEquals(first, withoutEal(Tools.run(argv, Duration.ofSeconds(120))), "identical runs");
    assertArrayEquals(before, Files.readAllBytes(program), "the original is left alone");
  }

  /** EAL's arguments for one core, no huge pages, no devices. */
  private static final List<String> ARGS =
      List.of("--no-huge", "--no-pci", "-m", "64", "--no-shconf", "-l", "0", "--no-telemetry");

  /** The output of dpdk-test's stack benchmark on one core, without EAL's start-up lines. */
  private static String benchmark(Path program) {
    return withoutEal(
        Qemu.run(
            program,
            ARGS,
            Map.of(
                "LD_LIBRARY_PATH", Corpus.dpdkLibraryPath(), "DPDK_TEST", "stack_perf_autotest")));
  }

  private static String withoutEal(Tools.Result r) {
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
