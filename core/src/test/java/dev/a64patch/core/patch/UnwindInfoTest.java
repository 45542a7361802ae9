package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.cfi.ReadelfFrames;
import dev.a64patch.core.cfi.ReadelfFrames.ReadelfRow;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The unwind information and names of patched files, read back with binutils: readelf decodes the
 * trampolines' FDEs to the rows of the patched sites, objdump names the trampolines, verify finds
 * damage to the new search table.
 */
class UnwindInfoTest {
  @TempDir Path dir;

  static List<ReadelfRow> rowsOf(Map<String, List<ReadelfRow>> fdes, long pc) {
    for (Map.Entry<String, List<ReadelfRow>> e : fdes.entrySet()) {
      String[] r = e.getKey().split("\\.\\.");
      long lo = Long.parseUnsignedLong(r[0], 16);
      long hi = Long.parseUnsignedLong(r[1], 16);
      if (pc >= lo && pc < hi) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * The row in effect at {@code pc}; readelf prints no rows for an FDE that adds nothing to its
   * CIE, whose row (in every CIE here) is CFA = SP + 0 without register rules.
   */
  static ReadelfRow rowAt(List<ReadelfRow> rows, long pc) {
    if (rows.isEmpty()) {
      return new ReadelfRow(pc, "sp+0", Map.of());
    }
    ReadelfRow found = null;
    for (ReadelfRow r : rows) {
      if (r.loc() <= pc) found = r;
    }
    return found;
  }

  /**
   * At its first and its last instruction (before any push, after the last pop) a trampoline's row,
   * as readelf decodes it, is the row of the patched site in the original FDE; in between the CFA
   * is the same register with a larger offset, and each rule is the site's or a stack slot.
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "sampling-pie, counter",
    "sampling-pie, clock",
    "sampling-pac-pie, clock",
    "libsampling-pac.so, counter",
    "counters-gcc-pie, counter",
    "counters-clang-pie, clock",
    "counters-gcc-static, clock"
  })
  void readelfDecodesTrampolineRowsAsTheSiteRows(String name, String strategy) throws Exception {
    Path patched =
        Patching.patchCopy(
            TestData.bin(name),
            dir,
            PatchOptions.defaults().withStrategy(Strategy.parse(strategy)));
    Patching.assertWellFormed(patched);
    Map<String, List<ReadelfRow>> fdes = ReadelfFrames.of(patched);
    Manifest m = Manifest.read(ElfFile.read(patched)).orElseThrow();
    int checked = 0;
    for (Manifest.Site s : m.sites()) {
      if (!s.action().equals("trampoline")) continue;
      List<ReadelfRow> tramp = rowsOf(fdes, s.trampoline());
      assertNotNull(tramp, "no FDE for the trampoline at 0x" + Long.toHexString(s.trampoline()));
      List<ReadelfRow> site = rowsOf(fdes, s.address());
      if (site == null) {
        assertTrue(
            List.of("prologue", "assumed").contains(s.unwind()),
            "site 0x" + Long.toHexString(s.address()) + ": " + s.unwind());
        continue;
      }
      assertEquals("site", s.unwind());
      ReadelfRow want = rowAt(site, s.address());
      ReadelfRow first = rowAt(tramp, s.trampoline());
      String where =
          String.format("%s: trampoline 0x%x for site 0x%x", name, s.trampoline(), s.address());
      assertEquals(want.cfa(), first.cfa(), where + " CFA at entry");
      assertEquals(defined(want.regs()), defined(first.regs()), where + " rules at entry");
      long end = tramp.isEmpty() ? s.trampoline() : tramp.get(tramp.size() - 1).loc();
      for (ReadelfRow r : tramp) {
        String base = want.cfa().replaceAll("[+-]\\d+$", "");
        if (want.cfa().startsWith("sp")) {
          assertTrue(r.cfa().startsWith(base + "+"), where + ": CFA " + r.cfa());
          assertTrue(offset(r.cfa()) >= offset(want.cfa()), where + ": CFA " + r.cfa());
        }
        for (Map.Entry<String, String> e : defined(want.regs()).entrySet()) {
          String got = r.regs().get(e.getKey());
          assertTrue(
              e.getValue().equals(got) || "exp".equals(got),
              where + " at 0x" + Long.toHexString(r.loc()) + ": " + e.getKey() + " " + got);
        }
      }
      assertEquals(want.cfa(), rowAt(tramp, end).cfa(), where + " CFA at the last row");
      checked++;
    }
    assertTrue(checked > 0, "no trampoline with site CFI in " + name);
  }

  /**
   * counters_all_rt (hand-written, no CFI) lowers SP by 368 and stores x29, x30 at [sp] and
   * x19..x28 above them before reading the counter into every register: readelf shows each
   * trampoline's first row as that frame, read from the prologue.
   */
  @Test
  void functionsWithoutCfiGetTheFrameTheirPrologueBuilds() throws Exception {
    Path patched =
        Patching.patchCopy(TestData.bin("counters-gcc-pie"), dir, PatchOptions.defaults());
    ElfFile elf = ElfFile.read(patched);
    dev.a64patch.elf.ElfSymbol fn =
        elf.symbols().stream()
            .filter(x -> x.name().equals("counters_all_rt"))
            .findFirst()
            .orElseThrow();
    Map<String, List<ReadelfRow>> fdes = ReadelfFrames.of(patched);
    int checked = 0;
    for (Manifest.Site s : Manifest.read(elf).orElseThrow().sites()) {
      if (!s.action().equals("trampoline")
          || s.address() < fn.value()
          || s.address() >= fn.value() + fn.size()) {
        continue;
      }
      assertEquals("prologue", s.unwind(), "site 0x" + Long.toHexString(s.address()));
      ReadelfRow first = rowAt(rowsOf(fdes, s.trampoline()), s.trampoline());
      assertEquals("sp+368", first.cfa());
      assertEquals("c-368", first.regs().get("x29"));
      assertEquals("c-360", first.regs().get("ra"));
      assertEquals("c-352", first.regs().get("x19"));
      checked++;
    }
    assertTrue(checked >= 30, "only " + checked + " trampolines in counters_all_rt");
  }

  private static Map<String, String> defined(Map<String, String> regs) {
    Map<String, String> out = new java.util.TreeMap<>();
    regs.forEach(
        (k, v) -> {
          if (!v.equals("u")) out.put(k, v);
        });
    return out;
  }

  private static long offset(String cfa) {
    return Long.parseLong(cfa.replaceAll("^[a-z0-9]+", ""));
  }

  @Test
  void verifyCountsWhereRulesComeFrom() throws Exception {
    Path patched =
        Patching.patchCopy(TestData.bin("counters-gcc-pie"), dir, PatchOptions.defaults());
    VerifyReport r = Verifier.verify(ElfFile.read(patched));
    assertTrue(r.ok(), r.problems().toString());
    assertNotNull(r.unwind());
    assertTrue(r.unwind().trampolines() > 0);
    assertEquals(
        r.unwind().trampolines(), r.unwind().site() + r.unwind().prologue() + r.unwind().assumed());
    assertTrue(r.unwind().site() > 0 && r.unwind().prologue() > 0, r.unwind().toString());
    assertEquals(0, r.unwind().none());
  }

  /** Bug-hunting: verify must notice a search table that is out of order. */
  @Test
  void verifyFindsAnUnsortedSearchTable() throws Exception {
    Path patched = Patching.patchCopy(TestData.bin("sampling-pie"), dir, PatchOptions.defaults());
    Manifest m = Manifest.read(ElfFile.read(patched)).orElseThrow();
    Layout.Section hdr = m.section(NewSection.EH_FRAME_HDR).orElseThrow();
    byte[] bytes = Files.readAllBytes(patched);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int table = (int) hdr.offset() + 12;
    long first = b.getLong(table);
    b.putLong(table, b.getLong(table + 8));
    b.putLong(table + 8, first);
    Files.write(patched, bytes);
    VerifyReport r = Verifier.verify(ElfFile.read(patched));
    assertFalse(r.ok());
    assertTrue(
        r.problems().stream().anyMatch(p -> p.contains("not sorted")), r.problems().toString());
  }

  /** objdump names each trampoline, and the branch at each site, after the function it serves. */
  @Test
  void objdumpShowsTrampolinesByName() throws Exception {
    Path patched = Patching.patchCopy(TestData.bin("sampling-pie"), dir, PatchOptions.defaults());
    Path objdump = Tools.require("aarch64-linux-gnu-objdump");
    String out =
        Tools.run(List.of(objdump.toString(), "-d", patched.toString()), Duration.ofSeconds(60))
            .stdout();
    assertTrue(out.contains("<a64patch.counter.sampling_leaf+0x0>:"), out);
    // The grown copy of the file's .symtab: the new locals come before the first global.
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    Tools.Result syms =
        Tools.run(List.of(readelf.toString(), "-sW", patched.toString()), Duration.ofSeconds(60));
    assertEquals("", syms.stderr(), "readelf warnings on the symbol table");
    assertTrue(
        syms.stdout()
            .matches(
                "(?s).*FUNC    LOCAL  DEFAULT +\\d+ a64patch\\.counter\\.sampling_frame\\+0x.*"),
        syms.stdout());
    assertTrue(syms.stdout().contains("GLOBAL DEFAULT") && syms.stdout().contains(" main"));
    assertTrue(
        out.matches(
            "(?s).*\\bb\\s+[0-9a-f]+ <a64patch\\.counter\\.sampling_frame\\+0x[0-9a-f]+>.*"),
        out);
  }

  /** A file without .symtab gets one; strip removes it again and restore is byte-exact. */
  @Test
  void strippedInputGetsANewSymbolTable() throws Exception {
    Path original = TestData.bin("counters-gcc-stripped");
    assertTrue(ElfFile.read(original).symbols().isEmpty());
    Path patched = Patching.patchCopy(original, dir, PatchOptions.defaults());
    Patching.assertWellFormed(patched);
    ElfFile p = ElfFile.read(patched);
    assertTrue(
        p.symbols().stream().anyMatch(s -> s.name().startsWith("a64patch.counter.")),
        p.symbols().toString());
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    Tools.Result syms =
        Tools.run(List.of(readelf.toString(), "-sW", patched.toString()), Duration.ofSeconds(60));
    assertEquals("", syms.stderr());
    assertTrue(
        syms.stdout().contains("LOCAL  DEFAULT") && syms.stdout().contains("a64patch.counter."),
        syms.stdout());
    Path restored = dir.resolve("restored");
    Files.write(restored, new byte[0]);
    Patcher.restore(patched, restored, PatchWriter.Hooks.NONE);
    assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(restored));
  }
}
