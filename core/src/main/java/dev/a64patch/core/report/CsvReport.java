package dev.a64patch.core.report;

import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Uncertainty;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One row per finding, with a header row, quoted per RFC 4180 (CRLF line ends; fields holding a
 * comma, quote, CR or LF are quoted, quotes doubled). Files without findings, skipped files and
 * problems have no rows: the CSV answers "where are the reads"; the JSON and SARIF forms carry the
 * rest.
 */
public final class CsvReport {
  static final List<String> COLUMNS =
      List.of(
          "path",
          "archive",
          "entry",
          "address",
          "offset",
          "register",
          "rt",
          "word",
          "section",
          "symbol",
          "symbol_mangled",
          "symbol_offset",
          "confidence",
          "reasons");
  private static final String CRLF = "\r\n";

  private CsvReport() {}

  public static void write(ScanReport report, PrintWriter out) {
    row(COLUMNS, out);
    for (ScanResult r : report.results()) {
      var entry = report.entry(r.file());
      for (Finding f : r.findings()) {
        row(
            List.of(
                r.file(),
                entry.map(ArchiveEntry::archive).orElse(""),
                entry.map(ArchiveEntry::entry).orElse(""),
                JsonReport.hex(f.address()),
                JsonReport.hex(f.offset()),
                f.register().name(),
                f.rtName(),
                String.format("0x%08x", f.word()),
                f.section(),
                f.symbol() == null ? "" : f.symbol().demangled(),
                f.symbol() == null ? "" : f.symbol().name(),
                f.symbol() == null ? "" : JsonReport.hex(f.symbol().offset()),
                f.confidence().label(),
                f.reasons().stream().map(Uncertainty::id).collect(Collectors.joining(";"))),
            out);
      }
    }
    out.flush();
  }

  private static void row(List<String> cells, PrintWriter out) {
    out.print(cells.stream().map(CsvReport::quote).collect(Collectors.joining(",")));
    out.print(CRLF);
  }

  static String quote(String cell) {
    if (cell.indexOf(',') < 0
        && cell.indexOf('"') < 0
        && cell.indexOf('\r') < 0
        && cell.indexOf('\n') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}
