package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Facts about the public corpus (README, docs/scanning.md), checked against the scanner. */
class CorpusFactsTest {

  @Test
  void abseilHasOneCounterReadInCycleClockNowAndOneFrequencyRead() throws IOException {
    Tools.require("c++filt"); // the name is checked demangled
    ScanResult r =
        Scanner.scan(ElfFile.read(Corpus.lib("libabsl_base.so.")), ScanOptions.defaults());
    List<Finding> counter =
        r.findings().stream().filter(f -> f.register() == SysReg.CNTVCT_EL0).toList();
    assertEquals(1, counter.size(), r.findings().toString());
    Finding now = counter.get(0);
    assertEquals(0, now.rt());
    assertEquals(Confidence.HIGH, now.confidence());
    assertTrue(
        now.symbol()
            .demangled()
            .matches("absl::\\w+::base_internal::UnscaledCycleClock::Now\\(\\)"),
        now.symbol().demangled());
    assertEquals(1, r.findings().stream().filter(f -> f.register() == SysReg.CNTFRQ_EL0).count());
    assertEquals(2, r.findings().size());
  }

  @Test
  void dpdkEalHasAsManyReadsAsObjdumpShows() throws IOException {
    var lib = Corpus.lib("librte_eal.so.");
    ScanResult r = Scanner.scan(ElfFile.read(lib), ScanOptions.defaults());
    assertEquals(Objdump.sites(lib).size(), r.findings().size());
    assertTrue(r.findings().size() > 20, "dozens of reads expected, found " + r.findings().size());
  }

  @Test
  void gperftoolsTcmallocHasNone() throws IOException {
    ScanResult r =
        Scanner.scan(ElfFile.read(Corpus.lib("libtcmalloc.so.")), ScanOptions.defaults());
    assertEquals(List.of(), r.findings());
    assertTrue(r.codeBytes() > 10_000, "scanned " + r.codeBytes() + " bytes of code");
  }
}
