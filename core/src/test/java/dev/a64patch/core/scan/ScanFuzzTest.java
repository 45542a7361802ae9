package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.TextReport;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.FuzzSeeds;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for scanning (docs/reliability.md): any byte string is either refused with a
 * documented failure worded as one line, or scanned, and then every finding is a real MRS word of
 * the register it names at the offset it names, findings are sorted and distinct, and the text and
 * JSON reports render. {@code bench/fuzz.sh scan} fuzzes; {@code mvn verify} replays the seeds and
 * {@code ScanFuzzTestInputs/scan/}.
 */
class ScanFuzzTest {
  /** With disassembly context, so the Capstone path runs for every candidate. */
  private static final ScanOptions OPTIONS = ScanOptions.defaults().withContext(2);

  @MethodSource("dev.a64patch.testing.FuzzSeeds#binaries")
  @FuzzTest
  void scan(byte[] input) throws IOException {
    ScanResult r;
    try {
      r = Scanner.scan(ElfFile.read(ByteBuffer.wrap(input), FuzzSeeds.NAME), OPTIONS);
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(e, FuzzSeeds.NAME);
      return;
    }
    ByteBuffer bytes = ByteBuffer.wrap(input).order(ByteOrder.LITTLE_ENDIAN);
    long previous = -1;
    for (Finding f : r.findings()) {
      String where = "finding at offset 0x" + Long.toHexString(f.offset());
      assertTrue(f.offset() > previous, where + ": not sorted, or reported twice");
      previous = f.offset();
      assertTrue(f.offset() >= 0 && f.offset() + 4 <= input.length, where + ": outside the file");
      assertEquals(f.word(), bytes.getInt((int) f.offset()), where + ": word");
      assertEquals(f.register(), SysReg.of(f.word()).orElseThrow(), where + ": register");
      assertEquals(f.word() & 31, f.rt(), where + ": rt");
      f.patchable();
    }
    assertEquals(r.findings().size(), r.count(Confidence.HIGH) + r.count(Confidence.UNCERTAIN));
    ScanReport report = new ScanReport(List.of(r), List.of(), 0);
    JsonReport.write(report, new StringWriter());
    TextReport.write(report, new PrintWriter(new StringWriter()));
  }
}
