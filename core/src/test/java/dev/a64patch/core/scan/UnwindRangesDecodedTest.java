package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.UnwindRanges;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * UnwindRanges reads the {@code .eh_frame_hdr} search table in place and decodes its start column
 * once a caller has asked thousands of times (the island search asks about every span of padding).
 * Both ways must answer alike. Oracle: the FDEs readelf --debug-dump=frames lists; every FDE is
 * asked about several times, so that the lookups run well past the switch.
 */
class UnwindRangesDecodedTest {
  @Test
  void lookupsAnswerTheSameBeforeAndAfterTheTableIsDecoded() throws IOException {
    Path exe = TestData.bin("counters-clang-static-pie");
    ElfFile elf = ElfFile.read(exe);
    assertTrue(elf.segments().stream().anyMatch(s -> s.type() == 0x6474e550L), "has a hdr");
    List<String> fdes = new ArrayList<>(EhFrameOnlyTest.readelfFdes(exe));
    fdes.sort(Comparator.comparingLong(f -> Long.parseUnsignedLong(f.split("\\.")[0], 16)));
    assertTrue(fdes.size() > 500, "enough FDEs: " + fdes.size());
    UnwindRanges u = UnwindRanges.of(elf);
    assertEquals(fdes.size(), u.size());
    int lookups = 0;
    long previousEnd = -1;
    for (int round = 0; round < 3; round++) {
      for (String fde : fdes) {
        String[] p = fde.split("\\.\\.");
        long start = Long.parseUnsignedLong(p[0], 16);
        long end = Long.parseUnsignedLong(p[1], 16);
        UnwindRanges.Range want = new UnwindRanges.Range(start, end);
        String at = fde + " after " + lookups + " lookups";
        assertEquals(Optional.of(want), u.rangeAt(start), at);
        assertEquals(Optional.of(want), u.rangeAt(end - 4), at);
        assertEquals(Optional.of(want), u.firstOverlap(start, end), at);
        lookups += 3;
        if (previousEnd >= 0 && previousEnd < start) { // a gap: the search for the next start
          assertEquals(Optional.empty(), u.rangeAt(previousEnd), at + ": gap");
          assertEquals(Optional.of(want), u.firstOverlap(previousEnd, start + 4), at + ": gap");
          assertEquals(Optional.empty(), u.firstOverlap(previousEnd, start), at + ": gap");
          lookups += 3;
        }
        previousEnd = end;
      }
      previousEnd = -1;
    }
    assertTrue(lookups > 3 * 4096, "crossed the switch: " + lookups);
  }
}
