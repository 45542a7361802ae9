package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evidence pass skips its binary search for references that land on no block of an interval
 * (the block map, built for 1024 intervals or more). It must find exactly the references the binary
 * search alone finds. Spans: three words in every 68 bytes of code (thousands of intervals,
 * everywhere, as the island search's padding, at every position against the blocks), plus every
 * other word of the first 4 KiB of each region (short, close intervals); compared through {@link
 * EvidenceIndex#firstReference}.
 */
class EvidenceBlockMapTest {
  @Test
  void blockMapFindsWhatTheBinarySearchFinds() throws Exception {
    int files = 0;
    long referenced = 0;
    for (Corpus.Read read : Corpus.readable(Corpus.all())) {
      ElfFile elf = read.elf();
      Path p = read.path();
      List<CodeRegion> regions = CodeRegion.of(elf);
      List<long[]> spans = new ArrayList<>();
      for (int r = 0; r < regions.size(); r++) {
        CodeRegion c = regions.get(r);
        long first = (c.address() + 3) & ~3L;
        for (long a = first; a + 4 <= c.address() + Math.min(c.size(), 4096); a += 8) {
          spans.add(new long[] {r, a, a + 4});
        }
        for (long a = first + 4096; a + 12 <= c.address() + c.size(); a += 68) {
          spans.add(new long[] {r, a, a + 12}); // every position against 16-byte blocks
        }
      }
      if (spans.size() < 1024) {
        continue;
      }
      files++;
      ByteBuffer bytes = elf.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      EvidenceIndex with = EvidenceIndex.overSpans(elf, regions, bytes, spans, true);
      EvidenceIndex without = EvidenceIndex.overSpans(elf, regions, bytes, spans, false);
      assertEquals(without.hitCount(), with.hitCount(), p.toString());
      for (int i = 0; i < spans.size(); i++) {
        long want = without.firstReference(i);
        assertEquals(want, with.firstReference(i), p + " span " + i);
        referenced += want >= 0 ? 1 : 0;
      }
    }
    assertTrue(files > 10, "corpus files with 1024 spans or more: " + files);
    assertTrue(referenced > 1000, "spans that some reference touches: " + referenced);
  }
}
