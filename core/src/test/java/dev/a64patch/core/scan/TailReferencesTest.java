package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The references into the code segments' tails that patch's scan finds in its evidence pass ({@link
 * Scanner#scanForPatch}) give the island space in the tails that a pass of their own gives ({@link
 * IslandSpace#find}), and leave the scan's findings as they are, on every testdata and corpus file.
 */
class TailReferencesTest {
  @Test
  void theScansReferencesGiveTheTailsASearchOfTheirOwnGives() throws Exception {
    int files = 0;
    int withRuns = 0;
    for (Corpus.Read read : Corpus.readable(Corpus.withTestData())) {
      ElfFile elf = read.elf();
      String p = read.path().toString();
      Scanner.ForPatch scanned = Scanner.scanForPatch(elf);
      assertEquals(
          Scanner.scan(elf, ScanOptions.defaults()).findings(), scanned.result().findings(), p);
      if (scanned.tails() == null) {
        continue;
      }
      List<IslandSpace.Run> own = IslandSpace.find(elf, false, true);
      assertEquals(own, IslandSpace.find(elf, false, true, scanned.tails()), p);
      files++;
      withRuns += own.isEmpty() ? 0 : 1;
    }
    assertTrue(files >= 20, "files with tails and reads: " + files);
    assertTrue(withRuns >= 10, "files whose tails hold island space: " + withRuns);
  }

  /**
   * No file at hand references its tails (they begin a little past the segment's end, where end
   * markers point), so a reference is written in: a branch from the code into a tail cuts its
   * island space there, in both searches alike, and changes no finding.
   */
  @Test
  void aReferenceIntoATailCutsItInBothSearches() throws Exception {
    int files = 0;
    for (var b : TestData.aarch64()) {
      Optional<ElfFile> read = Corpus.readAArch64(b.path());
      if (read.isEmpty() || Scanner.scanForPatch(read.get()).tails() == null) {
        continue;
      }
      List<IslandSpace.Run> before = IslandSpace.find(read.get(), false, true);
      if (before.isEmpty()) {
        continue;
      }
      IslandSpace.Run run = before.get(0);
      byte[] bytes = Files.readAllBytes(b.path());
      CodeRegion code = CodeRegion.of(read.get()).get(0);
      long pc = code.addressOf(code.firstWordOffset());
      putInt(bytes, code.firstWordOffset(), branch(pc, run.address() + 8));
      ElfFile elf = ElfFile.read(ByteBuffer.wrap(bytes), b.name());

      Scanner.ForPatch scanned = Scanner.scanForPatch(elf);
      assertEquals(
          Scanner.scan(elf, ScanOptions.defaults()).findings(),
          scanned.result().findings(),
          b.name());
      List<IslandSpace.Run> own = IslandSpace.find(elf, false, true);
      assertEquals(own, IslandSpace.find(elf, false, true, scanned.tails()), b.name());
      assertEquals(
          List.of(2L),
          own.stream()
              .filter(r -> r.address() == run.address())
              .map(IslandSpace.Run::words)
              .toList(),
          b.name() + ": the run is cut at the branch's target");
      files++;
    }
    assertTrue(files >= 5, "files changed and compared: " + files);
  }

  /** B from {@code pc} to {@code target}. */
  private static int branch(long pc, long target) {
    return 0x14000000 | (int) (((target - pc) >> 2) & 0x3FFFFFF);
  }

  private static void putInt(byte[] b, long at, int word) {
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) at, word);
  }
}
