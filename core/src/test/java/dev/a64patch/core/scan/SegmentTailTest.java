package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every segment tail of the corpus checked against binutils' reading of the same file: it starts
 * after the end of an R+X PT_LOAD whose file and memory sizes are equal, stays inside the 64 KiB
 * page that holds that end and below the first 64 KiB page of every PT_LOAD above it, overlaps no
 * other PT_LOAD's file bytes and no section's ({@code readelf -lW}, {@code readelf -SW}), and its
 * bytes in the file are zero.
 */
class SegmentTailTest {
  private static final long PAGE = 0x10000;

  /** One PT_LOAD or section as readelf prints it: file range, address range, flags. */
  private record Range(long offset, long filesz, long vaddr, long memsz, String flags) {}

  @Test
  void everyTailOfTheCorpusIsFreeAsBinutilsSeesIt() throws Exception {
    int tails = 0;
    for (Path p : Corpus.all()) {
      List<SegmentTail> found;
      try {
        found = SegmentTail.of(ElfFile.read(p));
      } catch (RuntimeException e) {
        continue; // not an ELF file the tool reads
      }
      if (found.isEmpty()) {
        continue;
      }
      List<Range> loads = loads(p);
      List<Range> sections = sections(p);
      for (SegmentTail t : found) {
        tails++;
        String what = p.getFileName() + ": " + t;
        Range seg =
            loads.stream()
                .filter(l -> l.vaddr() + l.memsz() == t.segmentEnd())
                .findFirst()
                .orElseThrow(() -> new AssertionError(what + ": no PT_LOAD ends there"));
        assertEquals("R E", seg.flags(), what);
        assertEquals(seg.filesz(), seg.memsz(), what);
        assertTrue(t.address() >= t.segmentEnd(), what);
        assertEquals(seg.offset() + (t.address() - seg.vaddr()), t.offset(), what);
        assertTrue(t.end() <= ((t.segmentEnd() + PAGE - 1) & -PAGE), what + ": its own page");
        for (Range l : loads) {
          if (l != seg && l.vaddr() >= t.segmentEnd()) {
            assertTrue(t.end() <= (l.vaddr() & -PAGE), what + " reaches the page of " + l);
          }
          assertFalse(overlaps(l, t), what + " overlaps the file bytes of " + l);
        }
        for (Range s : sections) {
          assertFalse(overlaps(s, t), what + " overlaps section " + s);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
          byte[] b = new byte[(int) (4 * t.words())];
          f.seek(t.offset());
          f.readFully(b);
          for (byte x : b) {
            assertEquals(0, x, what + ": not zero");
          }
        }
      }
    }
    assertTrue(tails > 0, "the corpus has segment tails");
  }

  private static boolean overlaps(Range r, SegmentTail t) {
    return r.filesz() > 0
        && r.offset() < t.offset() + 4 * t.words()
        && t.offset() < r.offset() + r.filesz();
  }

  private static List<Range> loads(Path p) {
    List<Range> out = new ArrayList<>();
    for (String line : readelf("-lW", p)) {
      String[] f = line.trim().split("\\s+");
      if (f[0].equals("LOAD")) {
        String flags = String.join(" ", List.of(f).subList(6, f.length - 1));
        out.add(
            new Range(
                Long.decode(f[1]), Long.decode(f[4]), Long.decode(f[2]), Long.decode(f[5]), flags));
      }
    }
    return out;
  }

  /** Sections with bytes in the file (not NOBITS, not NULL). */
  private static List<Range> sections(Path p) {
    List<Range> out = new ArrayList<>();
    for (String line : readelf("-SW", p)) {
      String l = line.replaceFirst("^\\s*\\[\\s*\\d+\\]\\s*", "");
      if (l.equals(line)) {
        continue;
      }
      String[] f = l.trim().split("\\s+");
      int type = f[0].equals("NULL") ? 0 : (f.length > 5 && f[1].matches("[A-Z_]+") ? 1 : 0);
      // name type address offset size ...; names have no spaces in the corpus
      if (f.length < 6 || type == 0 || f[1].equals("NOBITS") || f[1].equals("NULL")) {
        continue;
      }
      out.add(
          new Range(
              Long.parseLong(f[3], 16), Long.parseLong(f[4], 16), Long.parseLong(f[2], 16), 0, ""));
    }
    return out;
  }

  private static List<String> readelf(String option, Path p) {
    return Tools.runOk(Tools.require("aarch64-linux-gnu-readelf").toString(), option, p.toString())
        .stdout()
        .lines()
        .toList();
  }
}
