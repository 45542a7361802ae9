package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.Strip;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * strip (objcopy) rewrites a file from its section and program headers. A patched shared library
 * must survive it and still load; for an executable strip moves the program header table in the
 * file but not in memory, which breaks the AT_PHDR rule of Linux before 5.18 and of qemu-user, and
 * verify must say so (docs/patching.md: strip before patching).
 */
class StripTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"libcounters.so", "libcounters-clang.so", "libcounters-bti.so"})
  void strippedPatchedLibraryStillLoadsAndRuns(String name) throws Exception {
    Path patched = Patching.patchCopy(TestData.bin(name), dir, PatchOptions.defaults());
    Path stripped = Strip.all(patched, dir.resolve(name + ".stripped"));
    Patching.assertWellFormed(stripped);
    Path loader = TestData.bin("dlopen_counters");
    Tools.Result before = Qemu.run(loader, patched.toString(), "--pct");
    Tools.Result after = Qemu.run(loader, stripped.toString(), "--pct");
    assertEquals(0, after.exitCode(), after.describe());
    assertEquals(before.stdout(), after.stdout(), "same deterministic output after strip");
    assertTrue(
        ElfFile.read(stripped).section(Planner.MANIFEST_SECTION).isPresent(),
        "strip keeps the manifest");
    PatchException e =
        assertThrows(PatchException.class, () -> Restorer.image(ElfFile.read(stripped)));
    assertTrue(e.getMessage().contains("rewritten after patching"), e.getMessage());
  }

  @Test
  void verifyExplainsWhyAStrippedPatchedExecutableFailsOnOlderKernels() throws Exception {
    Path patched =
        Patching.patchCopy(TestData.bin("counters-gcc-pie"), dir, PatchOptions.defaults());
    Path stripped = Strip.all(patched, dir.resolve("counters.stripped"));
    VerifyReport r = Verifier.verify(ElfFile.read(stripped));
    assertFalse(r.ok());
    assertTrue(
        r.problems().stream()
            .anyMatch(p -> p.startsWith("AT_PHDR rule") && p.contains("stripped after patching")),
        r.problems().toString());
  }

  @Test
  void strippingBeforePatchingIsTheWorkingOrder() throws Exception {
    Path stripped = Strip.all(TestData.bin("counters-gcc-pie"), dir.resolve("counters.stripped"));
    // Stripped, the assembly functions (no CFI) lose their symbols: their reads become uncertain.
    Path patched =
        Patching.patchCopy(
            stripped,
            dir,
            PatchedProgramsTest.everything(TestData.named("counters-gcc-pie"), Strategy.COUNTER));
    Patching.assertWellFormed(patched);
    Tools.Result run = Qemu.run(patched);
    assertEquals(0, run.exitCode(), run.describe());
    assertEquals(run.stdout(), Qemu.run(patched).stdout());
  }
}
