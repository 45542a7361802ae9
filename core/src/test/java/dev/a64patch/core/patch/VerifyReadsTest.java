package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbolTable;
import dev.a64patch.testing.TestData;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * verify scans a patched file for the registers its patch rewrote only: a counter read written into
 * a patched library afterwards is reported as unpatched, a read of the counter's frequency (which
 * the default options leave alone) is not.
 */
class VerifyReadsTest {
  private static final int MRS_X0_CNTVCT = 0xD53BE040;
  private static final int MRS_X0_CNTFRQ = 0xD53BE000;

  @TempDir Path dir;

  @Test
  void aCounterReadAddedAfterPatchingIsReportedAndAFrequencyReadIsNot() throws Exception {
    Path patched = dir.resolve("patched");
    Patcher.patch(
        TestData.bin("libcounters.so"),
        patched,
        PatchOptions.defaults(),
        false,
        PatchWriter.Hooks.NONE);
    long at = secondWordOfAFunctionWithoutSites(patched);

    write(patched, at, MRS_X0_CNTFRQ);
    assertEquals(List.of(), Verifier.verify(patched).problems());

    write(patched, at, MRS_X0_CNTVCT);
    List<String> problems = Verifier.verify(patched).problems();
    assertEquals(1, problems.size(), problems::toString);
    assertTrue(
        problems.get(0).startsWith("unpatched CNTVCT_EL0 read into x0 at 0x"), problems::toString);
  }

  /** The file offset of the second instruction of a function of 16 bytes or more with no site. */
  private static long secondWordOfAFunctionWithoutSites(Path file) throws Exception {
    ElfFile elf = ElfFile.read(file);
    Manifest m = Manifest.read(elf).orElseThrow();
    ElfSymbolTable t = elf.symbolTable().orElseThrow();
    for (int i = 0; i < t.count(); i++) {
      long start = t.value(i);
      long end = start + t.size(i);
      if (t.type(i) == STT_FUNC
          && t.size(i) >= 16
          && m.sites().stream().noneMatch(s -> s.address() >= start && s.address() < end)) {
        return elf.offsetOf(start + 4).orElseThrow();
      }
    }
    throw new AssertionError("no function without sites in " + file);
  }

  private static void write(Path file, long offset, int word) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      f.write(
          new byte[] {
            (byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24)
          });
    }
  }
}
