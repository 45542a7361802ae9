package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.BigBss;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.Tools;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs with more than 200 MB of .bss (testdata/src/bigbss.h): an executable's new segment must
 * keep the first PT_LOAD's p_vaddr - p_offset (AT_PHDR), so its file is padded by about the size of
 * the .bss; the padding is a hole, and the file grows on disk by its appended parts only. The
 * default patch reaches the read in .text, beyond the reach of B from the new segment, through
 * islands, and the read after .bss directly; both advance.
 */
class BigBssTest {
  @TempDir static Path dir;
  static BigBss.Files3 fixtures;

  @BeforeAll
  static void build() throws Exception {
    fixtures = BigBss.build(dir);
  }

  @Test
  void pieIsPaddedWithAHoleRunsAndRestores() throws Exception {
    BigBss.assumeHoles(dir);
    Path in = fixtures.pie();
    Path out = dir.resolve("bigbss.patched");
    Patcher.Outcome o =
        Patcher.patch(in, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    Layout l = o.plan().layout();
    assertEquals(LayoutStrategy.BSS_END, l.strategy());
    assertTrue(l.padding() >= BigBss.MIN_BSS, "padding " + l.padding());
    assertEquals(Files.size(in) + l.padding(), l.tailOffset());
    assertTrue(Verifier.verify(ElfFile.read(out)).ok());

    // On disk the file grows by what follows the hole (the new segments, then the section
    // headers, symbol names and manifest), never by the padding: a block either side of it
    // at most may hold zeros the writer had to write.
    long appended = Files.size(out) - l.tailOffset();
    long grown = BigBss.allocated(out) - BigBss.allocated(in);
    assertTrue(
        grown <= appended + 2 * PatchWriter.BLOCK + 64 * 1024,
        "grew by " + grown + " bytes on disk for " + appended + " bytes appended");
    assertTrue(Files.size(out) > BigBss.MIN_BSS, "apparent size " + Files.size(out));

    checkValues(o.plan(), runTwice(out));

    Path back = dir.resolve("bigbss.restored");
    Patcher.restore(out, back, PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(in, back), "restore is byte-exact");
    assertEquals(Files.size(in), Files.size(back));
  }

  @Test
  void libraryNeedsNoPaddingLoadsAndRestores() throws Exception {
    Path in = fixtures.library();
    Path run = Files.createDirectories(dir.resolve("lib"));
    Files.copy(fixtures.main(), run.resolve("main"));
    Path out = run.resolve("libbigbss.so");
    Patcher.Outcome o =
        Patcher.patch(in, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    Layout l = o.plan().layout();
    assertEquals(LayoutStrategy.BINARY_END, l.strategy());
    assertTrue(l.padding() < Layout.MIN_ALIGN, "padding " + l.padding());
    assertTrue(Verifier.verify(ElfFile.read(out)).ok());

    checkValues(o.plan(), runTwice(run.resolve("main")));

    Path back = dir.resolve("libbigbss.restored");
    Patcher.restore(out, back, PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(in, back), "restore is byte-exact");
  }

  @Test
  void unpatchedProgramsRunAndReadTheRealCounter() {
    // The oracle for the patched runs: the same programs print real counter values.
    Tools.Result r = Qemu.run(fixtures.pie());
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().contains("bss 1 2"), r.stdout());
    assertNotEquals(BigInteger.ZERO, Qemu.values(r.stdout()).get(0));
  }

  /**
   * With the default options every read is patched: the far read in .text through islands (the .bss
   * lies between it and the new segment), the read after .bss directly; both continue the one
   * counter, in the order the program reads them.
   */
  private static void checkValues(PatchPlan plan, List<BigInteger> values) {
    SitePlan far = plan.sites().get(0); // sites are in file order: .text before .late_text
    SitePlan late = plan.sites().get(1);
    assertEquals(SitePlan.Action.TRAMPOLINE, far.action(), far.toString());
    assertEquals(SitePlan.Action.TRAMPOLINE, late.action(), late.toString());
    assertTrue(values.get(1).compareTo(values.get(0)) > 0, "far then late: " + values);
    assertTrue(values.get(2).compareTo(values.get(1)) > 0, "late read advances: " + values);
  }

  /** Runs the program twice: the output must be identical, and its .bss intact. */
  private static List<BigInteger> runTwice(Path program) {
    Tools.Result a = Qemu.run(program);
    Tools.Result b = Qemu.run(program);
    assertEquals(0, a.exitCode(), a.describe());
    assertEquals(a.stdout(), b.stdout(), "identical output on two runs");
    assertTrue(a.stdout().contains("bss "), a.stdout());
    assertFalse(a.stdout().contains("bss 0"), a.stdout());
    List<BigInteger> values = Qemu.values(a.stdout());
    assertEquals(3, values.size(), a.stdout());
    return values;
  }
}
