package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Corpus;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A scan for some registers finds exactly what a scan for all finds in them, evidence and
 * confidence included: each read is judged on its own, whatever other reads the file holds. verify
 * relies on it (it scans only for the registers the patch rewrote).
 */
class RegisterSubsetTest {
  @Test
  void aScanForSomeRegistersFindsWhatTheScanForAllFindsInThem() throws Exception {
    List<Set<SysReg>> subsets =
        List.of(
            SysReg.counters(),
            EnumSet.of(SysReg.CNTVCT_EL0),
            EnumSet.complementOf(EnumSet.copyOf(SysReg.counters())),
            EnumSet.of(SysReg.CNTFRQ_EL0, SysReg.RNDR, SysReg.RNDRRS));
    int files = 0;
    int compared = 0;
    for (Corpus.Read read : Corpus.readable(Corpus.withTestData())) {
      List<Finding> all = Scanner.scan(read.elf(), ScanOptions.defaults()).findings();
      files++;
      for (Set<SysReg> some : subsets) {
        List<Finding> want = all.stream().filter(f -> some.contains(f.register())).toList();
        List<Finding> got = Scanner.scan(read.elf(), new ScanOptions(some, 0)).findings();
        assertEquals(want, got, read.path() + " " + some);
        compared += got.size();
      }
    }
    assertTrue(files >= 20, "files scanned: " + files);
    assertTrue(compared >= 100, "findings compared: " + compared);
  }
}
