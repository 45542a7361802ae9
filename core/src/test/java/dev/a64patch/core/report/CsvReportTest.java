package dev.a64patch.core.report;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.batch.BatchOptions;
import dev.a64patch.core.batch.BatchScanner;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.TestTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV is read back with Apache Commons CSV's RFC 4180 parser, which shares no code with the
 * writer.
 */
class CsvReportTest {

  static String csv(ScanReport r) {
    StringWriter w = new StringWriter();
    CsvReport.write(r, new PrintWriter(w));
    return w.toString();
  }

  static List<CSVRecord> parse(String csv) throws IOException {
    return CSVFormat.RFC4180
        .builder()
        .setHeader()
        .setSkipHeaderRecord(true)
        .get()
        .parse(new StringReader(csv))
        .getRecords();
  }

  @Test
  void oneRowPerFindingWithTheJsonValues(@TempDir Path dir) throws IOException {
    TestTree tree = TestTree.build(dir.resolve("tree"));
    ScanReport r =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(tree.root()));
    String text = csv(r);
    assertTrue(
        text.startsWith(String.join(",", CsvReport.COLUMNS) + "\r\n"),
        text.lines().findFirst().orElse(""));
    assertTrue(text.endsWith("\r\n"));
    List<CSVRecord> rows = parse(text);
    List<String[]> expected = new ArrayList<>();
    for (ScanResult s : r.results()) {
      for (Finding f : s.findings()) {
        var entry = r.entry(s.file());
        expected.add(
            new String[] {
              s.file(),
              entry.map(ArchiveEntry::archive).orElse(""),
              entry.map(ArchiveEntry::entry).orElse(""),
              JsonReport.hex(f.address()),
              JsonReport.hex(f.offset()),
              f.register().name(),
              f.rtName(),
              f.section(),
              f.confidence().label()
            });
      }
    }
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      CSVRecord row = rows.get(i);
      String[] e = expected.get(i);
      assertArrayEquals(
          e,
          new String[] {
            row.get("path"),
            row.get("archive"),
            row.get("entry"),
            row.get("address"),
            row.get("offset"),
            row.get("register"),
            row.get("rt"),
            row.get("section"),
            row.get("confidence")
          });
    }
    assertTrue(
        rows.stream()
            .anyMatch(row -> row.get("entry").equals("natives/linux-aarch64/libcounters-bti.so")));
  }

  @Test
  void fieldsWithCommasQuotesAndNewlinesAreQuoted(@TempDir Path dir) throws IOException {
    Path odd = Files.copy(TestData.bin("libcounters.so"), dir.resolve("we,ird \"lib\"\nname.so"));
    ScanReport r = new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(dir));
    List<CSVRecord> rows = parse(csv(r));
    assertFalse(rows.isEmpty());
    rows.forEach(row -> assertEquals(odd.toString(), row.get("path")));
    assertEquals("\"a,b\"", CsvReport.quote("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", CsvReport.quote("say \"hi\""));
    assertEquals("plain", CsvReport.quote("plain"));
  }

  @Test
  void noFindingsGivesTheHeaderAlone() throws IOException {
    String text = csv(new ScanReport(List.of(), List.of(), 0, ScanTotals.NONE, Map.of()));
    assertEquals(String.join(",", CsvReport.COLUMNS) + "\r\n", text);
    assertEquals(List.of(), parse(text));
  }
}
