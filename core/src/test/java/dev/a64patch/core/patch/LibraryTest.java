package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfConstants;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbol;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Patched shared libraries loaded by unpatched programs: ours, abseil's, DPDK's. */
class LibraryTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"libcounters.so", "libcounters-clang.so", "libcounters-bti.so"})
  void patchedTestLibraryLoadsThroughDlopenAndRepeatsItsValues(String lib) throws Exception {
    Path loader = TestData.bin("dlopen_counters");
    Tools.Result original = Qemu.run(loader, TestData.bin(lib).toString(), "--pct");
    assertNotEquals(0, original.exitCode(), "CNTPCT_EL0 faults under qemu before patching");
    for (Strategy s : new Strategy[] {Strategy.COUNTER, Strategy.CLOCK}) {
      Path patched =
          Patching.patchCopy(TestData.bin(lib), dir, PatchOptions.defaults().withStrategy(s));
      Patching.assertWellFormed(patched);
      Tools.Result run = Qemu.run(loader, patched.toString(), "--pct");
      assertEquals(0, run.exitCode(), run.describe());
      assertTrue(run.stdout().contains("ok"), run.stdout());
      if (s == Strategy.COUNTER) {
        assertEquals(run.stdout(), Qemu.run(loader, patched.toString(), "--pct").stdout());
      }
    }
  }

  @Test
  void abseilCycleClockVariesBeforeAndRepeatsAfterPatching() throws Exception {
    Path lib = Corpus.lib("libabsl_base.so.");
    String now = cycleClockNow(ElfFile.read(lib));
    Map<String, String> env = Map.of("LD_LIBRARY_PATH", Corpus.libDir().toString());
    Tools.assumeAvailable(
        Files.exists(Path.of(Qemu.SYSROOT, "lib", "libstdc++.so.6")),
        "libstdc++6-arm64-cross is not installed (abseil needs libstdc++.so.6)");
    Path loader = TestData.bin("absl_loader");
    Tools.Result a = Qemu.run(loader, List.of(lib.toString(), now, "5"), env);
    Tools.Result b = Qemu.run(loader, List.of(lib.toString(), now, "5"), env);
    assertEquals(0, a.exitCode(), a.describe());
    assertNotEquals(a.stdout(), b.stdout(), "the real counter differs run to run");

    Path patched = Patching.patchCopy(lib, dir, PatchOptions.defaults());
    Patching.assertWellFormed(patched);
    Tools.Result p1 = Qemu.run(loader, List.of(patched.toString(), now, "5"), env);
    Tools.Result p2 = Qemu.run(loader, List.of(patched.toString(), now, "5"), env);
    assertEquals(0, p1.exitCode(), p1.describe());
    assertEquals(5, Qemu.values(p1.stdout()).size(), p1.stdout());
    assertEquals(p1.stdout(), p2.stdout(), "patched values repeat exactly");
  }

  /**
   * The mangled name of absl::<inline ns>::base_internal::UnscaledCycleClock::Now(), from .dynsym:
   * {@code _ZN4absl<inline ns>13base_internal18UnscaledCycleClock3NowEv}.
   */
  static String cycleClockNow(ElfFile elf) {
    return elf.dynamicSymbols().stream()
        .filter(s -> s.type() == ElfConstants.STT_FUNC || s.type() == ElfConstants.STT_GNU_IFUNC)
        .map(ElfSymbol::name)
        .filter(n -> n.matches("_ZN4absl\\d+\\w+13base_internal18UnscaledCycleClock3NowEv"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("UnscaledCycleClock::Now not in .dynsym"));
  }

  @Test
  void dpdkEalEverySitePatchedVerifiedAndStillLoads() throws Exception {
    Path lib = Corpus.lib("librte_eal.so.");
    long counterReads =
        Scanner.scan(ElfFile.read(lib), ScanOptions.defaults()).findings().stream()
            .filter(f -> f.register().kind() == SysReg.Kind.COUNTER)
            .count();
    Path patched = dir.resolve(lib.getFileName());
    Patcher.Outcome o =
        Patcher.patch(lib, patched, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(
        counterReads, o.plan().count(SitePlan.Action.TRAMPOLINE), "every counter read patched");
    Patching.assertWellFormed(patched);

    List<String> deps =
        List.of(
            "libnuma.so.1",
            "libfdt.so.1",
            "librte_kvargs.so.23",
            "librte_telemetry.so.23",
            "libbsd.so.0");
    for (String d : deps) {
      Tools.assumeAvailable(
          Files.exists(Corpus.libDir().resolve(d)),
          "librte_eal's dependency "
              + d
              + " is not in the corpus;"
              + " fetch it with: .ci/fetch-corpus.sh DIR libnuma1 libfdt1 librte-kvargs23 librte-telemetry23 libbsd0 libmd0");
    }
    Map<String, String> env =
        Map.of(
            "LD_LIBRARY_PATH",
            Corpus.libDir() + ":" + Corpus.root().resolve("root/lib/aarch64-linux-gnu"));
    // rte_delay_us_block reads the counter; before rte_eal_init its frequency is 0, so it returns
    // at once.
    Tools.Result run =
        Qemu.run(
            TestData.bin("absl_loader"),
            List.of(patched.toString(), "rte_delay_us_block", "3"),
            env);
    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.stdout().contains("ok"), run.stdout());
  }
}
