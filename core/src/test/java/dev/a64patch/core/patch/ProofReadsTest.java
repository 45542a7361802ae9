package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof's verify looks for reads left only where the result may differ from the original
 * ({@link Verifier#sinceOriginal}); the proof's restore half proves the rest is the original's. On
 * every testdata and corpus file it reports what verify of the written file reports. Its search
 * ({@link Scanner#readsWhereChanged}) finds a counter read planted in the result's new code or on a
 * rewritten site, and leaves a read planted anywhere else to the restore half (ProofTest).
 */
class ProofReadsTest {
  private static final int MRS_X0_CNTVCT = 0xD53BE040;

  /** Uncertain reads and CNTFRQ_EL0 too, far ones zeroed: more sites, and islands. */
  private static final PatchOptions WIDE =
      new PatchOptions(
          Strategy.CLOCK,
          Set.of(),
          PatchOptions.DEFAULT_STEP,
          PatchOptions.DEFAULT_FREQUENCY,
          true,
          OutOfRangePolicy.ZERO,
          RndrMode.OFF,
          PatchOptions.DEFAULT_MAX_PADDING);

  @TempDir Path dir;

  @Test
  void theProofsVerifyReportsWhatVerifyOfTheFileReports() throws Exception {
    int proved = 0;
    for (Corpus.Read read : Corpus.readable(Corpus.withTestData())) {
      for (PatchOptions options : List.of(PatchOptions.defaults(), WIDE)) {
        Patched p = patched(read, options);
        if (p == null) {
          continue;
        }
        ElfFile written = p.written(dir);
        Manifest m = Manifest.read(written).orElseThrow();
        VerifyReport full = Verifier.verify(written);
        VerifyReport proofs = Verifier.verify(written, m, p.reads());
        assertEquals(full.problems(), proofs.problems(), read.path() + " " + options);
        assertEquals(full.notes(), proofs.notes(), read.path() + " " + options);
        assertEquals(List.of(), proofs.problems(), read.path() + " " + options);
        assertFalse(p.readsWhereChanged(written), read.path().toString());
        proved++;
      }
    }
    assertTrue(proved >= 20, "results compared: " + proved);
  }

  @Test
  void aReadPlantedInNewCodeOrOnARewrittenSiteIsFoundAndOneElsewhereIsNot() throws Exception {
    Corpus.Read read =
        Corpus.readable(List.of(dev.a64patch.testing.TestData.bin("libcounters.so"))).get(0);
    Patched p = patched(read, PatchOptions.defaults());
    ElfFile clean = p.written(dir);
    long trampolines = p.plan().layout().section(NewSection.TRAMPOLINES).orElseThrow().offset();
    long site =
        p.plan().sites().stream()
            .filter(SitePlan::changesFile)
            .findFirst()
            .orElseThrow()
            .finding()
            .offset();
    assertFalse(p.readsWhereChanged(clean));
    assertTrue(p.readsWhereChanged(planted(p, trampolines + 4)), "in the trampolines");
    assertTrue(p.readsWhereChanged(planted(p, site)), "on a rewritten site");
    // A word the patch did not change is the original's as far as this search knows: the
    // restore half compares it.
    long unchanged = site + 4 < clean.size() && !p.changed(site + 4) ? site + 4 : -1;
    assertTrue(unchanged > 0, "the word after the site is unchanged");
    assertFalse(p.readsWhereChanged(planted(p, unchanged)), "outside the changes");
    // The proof's verify then finds what verify of the file finds: the read in the trampolines.
    ElfFile inTrampolines = planted(p, trampolines + 4);
    Manifest m = Manifest.read(inTrampolines).orElseThrow();
    assertEquals(
        Verifier.verify(inTrampolines).problems(),
        Verifier.verify(inTrampolines, m, p.reads()).problems());
  }

  /** The written result with a counter read at {@code offset}. */
  private ElfFile planted(Patched p, long offset) throws Exception {
    Path file = p.render(dir.resolve("planted-" + offset + "-" + System.nanoTime()));
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int w = MRS_X0_CNTVCT;
      f.write(new byte[] {(byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24)});
    }
    return map(file);
  }

  /** The plan and image patch makes of {@code read}; null when it refuses or has nothing to do. */
  private static Patched patched(Corpus.Read read, PatchOptions options) {
    ElfFile original = read.elf();
    try {
      InputRules.check(original);
      ScanResult scan = Scanner.scanForPatch(original).result();
      PatchPlan plan = Planner.plan(original, scan, options);
      if (plan.isEmpty()) {
        return null;
      }
      return new Patched(read.path(), original, scan, plan, ImageBuilder.build(original, plan));
    } catch (PatchException e) {
      return null; // inputs patch refuses have no proof
    }
  }

  private record Patched(
      Path path, ElfFile original, ScanResult scan, PatchPlan plan, FileEdits image) {
    Verifier.Reads reads() {
      return Verifier.sinceOriginal(original, scan, image);
    }

    boolean readsWhereChanged(ElfFile written) {
      List<long[]> changed =
          image.sortedEdits().stream().map(e -> new long[] {e.offset(), e.end()}).toList();
      Set<SysReg> counters = SysReg.counters();
      return Scanner.readsWhereChanged(written, original, counters, changed);
    }

    boolean changed(long offset) {
      return image.edits().stream().anyMatch(e -> offset + 4 > e.offset() && offset < e.end());
    }

    Path render(Path file) throws Exception {
      try (FileChannel out =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long[] at = {0};
        image.render(
            original.bytes(),
            piece -> {
              int n = piece.remaining();
              while (piece.hasRemaining()) {
                out.write(piece, at[0] + n - piece.remaining());
              }
              at[0] += n;
            });
      }
      return file;
    }

    ElfFile written(Path dir) throws Exception {
      return map(render(dir.resolve(path.getFileName() + "-" + System.nanoTime())));
    }
  }

  private static ElfFile map(Path file) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ElfFile.read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), file.toString());
    }
  }
}
