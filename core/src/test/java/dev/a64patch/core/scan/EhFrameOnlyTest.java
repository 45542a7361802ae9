package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.UnwindRanges;
import dev.a64patch.testing.Strip;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GCC links {@code -static} programs without {@code --eh-frame-hdr} (valgrind's tools are built
 * so): the FDE ranges must then come from {@code .eh_frame} itself. Oracle: the FDEs readelf
 * --debug-dump=frames lists.
 */
class EhFrameOnlyTest {
  @TempDir Path dir;

  @Test
  void fdeRangesMatchReadelf() throws IOException {
    Path exe = TestData.bin("counters-gcc-static");
    ElfFile elf = ElfFile.read(exe);
    assertTrue(elf.segments().stream().noneMatch(s -> s.type() == 0x6474e550L), "no hdr");
    UnwindRanges u = UnwindRanges.of(elf);
    List<String> expected = readelfFdes(exe);
    assertFalse(expected.isEmpty());
    assertEquals(expected.size(), u.size());
    for (String fde : expected) {
      String[] p = fde.split("\\.\\.");
      long start = Long.parseUnsignedLong(p[0], 16);
      long end = Long.parseUnsignedLong(p[1], 16);
      assertEquals(new UnwindRanges.Range(start, end), u.rangeAt(start).orElseThrow(), fde);
      assertEquals(new UnwindRanges.Range(start, end), u.rangeAt(end - 4).orElseThrow(), fde);
    }
  }

  @Test
  void strippedStaticExecutableReadsAreHighByTheirFdes() throws IOException {
    Path stripped =
        Strip.all(TestData.bin("counters-gcc-static"), dir.resolve("counters-gcc-static.stripped"));
    ScanResult r = Scanner.scan(ElfFile.read(stripped), ScanOptions.defaults());
    // counters.c is compiled C (with CFI): its readers are known only from .eh_frame now.
    List<Finding> fromFde =
        r.findings().stream()
            .filter(f -> f.symbol() != null && f.symbol().source().equals(SymbolRef.EH_FRAME))
            .toList();
    assertFalse(fromFde.isEmpty(), r.findings().toString());
    for (Finding f : fromFde) {
      assertEquals(Confidence.HIGH, f.confidence(), f.toString());
      assertTrue(f.evidence().code().get(0).startsWith("fde 0x"), f.evidence().toString());
    }
  }

  static List<String> readelfFdes(Path file) {
    Tools.Result r =
        Tools.run(
            List.of(
                Tools.require("aarch64-linux-gnu-readelf").toString(),
                "--debug-dump=frames",
                file.toString()),
            Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    List<String> out = new java.util.ArrayList<>();
    Matcher m =
        Pattern.compile(" FDE cie=\\S+ pc=([0-9a-f]+)\\.\\.([0-9a-f]+)").matcher(r.stdout());
    while (m.find()) {
      long start = Long.parseUnsignedLong(m.group(1), 16);
      if (start != 0 && Long.parseUnsignedLong(m.group(2), 16) > start) {
        out.add(m.group(1) + ".." + m.group(2));
      }
    }
    return out;
  }
}
