package dev.a64patch.core.report;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.Uncertainty;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A table a person can act on: one row per read, then one line per file, the files skipped or in
 * error, and a summary of the whole run. When directories or archives were walked, the per-file
 * lines are limited to files with reads (a library tree has thousands without).
 */
public final class TextReport {
  private static final String[] HEADINGS = {
    "FILE", "ADDRESS", "REGISTER", "RT", "CONFIDENCE", "SYMBOL"
  };

  private TextReport() {}

  public static void write(ScanReport report, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    for (ScanResult r : report.results()) {
      for (Finding f : r.findings()) {
        rows.add(row(r, f));
      }
    }
    if (!rows.isEmpty()) {
      printTable(rows, out);
      out.println();
    }
    boolean everyFile = !report.totals().walked();
    for (ScanResult r : report.results()) {
      if (!everyFile && r.findings().isEmpty() && r.notes().isEmpty()) {
        continue;
      }
      out.println(summary(r));
      for (Finding f : r.findings()) {
        if (!f.context().isEmpty()) {
          out.printf(
              "  %s %s in %s:%n",
              JsonReport.hex(f.address()),
              f.register(),
              f.symbol() == null ? f.section() : f.symbol().display());
          f.context().forEach(line -> out.println("    " + line));
        }
      }
      r.notes().forEach(n -> out.println("  note: " + n));
    }
    problems(report, out);
    Summary.write(report, out);
    out.flush();
  }

  private static void problems(ScanReport report, PrintWriter out) {
    List<FileProblem> skipped =
        report.problems().stream().filter(p -> p.kind() == FailureKind.SKIPPED).toList();
    if (!skipped.isEmpty()) {
      out.println();
      out.println("Skipped:");
      skipped.forEach(p -> out.println("  " + p.message()));
    }
    if (!report.errors().isEmpty()) {
      out.println();
      out.println("Errors:");
      report.errors().forEach(p -> out.println("  " + p.message()));
    }
  }

  private static String[] row(ScanResult r, Finding f) {
    String confidence =
        f.confidence() == Confidence.HIGH
            ? "high"
            : "uncertain ("
                + f.reasons().stream().map(Uncertainty::id).collect(Collectors.joining(","))
                + ")";
    String symbol = f.symbol() == null ? "(" + f.section() + ")" : f.symbol().display();
    return new String[] {
      r.file(), JsonReport.hex(f.address()), f.register().name(), f.rtName(), confidence, symbol
    };
  }

  private static void printTable(List<String[]> rows, PrintWriter out) {
    int[] width = new int[HEADINGS.length];
    for (int i = 0; i < width.length; i++) {
      width[i] = HEADINGS[i].length();
      for (String[] row : rows) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    printRow(HEADINGS, width, out);
    rows.forEach(row -> printRow(row, width, out));
  }

  private static void printRow(String[] cells, int[] width, PrintWriter out) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      b.append(i == cells.length - 1 ? cells[i] : String.format("%-" + width[i] + "s  ", cells[i]));
    }
    out.println(b.toString().stripTrailing());
  }

  /** "libfoo.so: 3 reads (2 high, 1 uncertain): CNTVCT_EL0 2, CNTFRQ_EL0 1" */
  public static String summary(ScanResult r) {
    if (r.findings().isEmpty()) {
      return String.format("%s: no reads in %d bytes of code", r.file(), r.codeBytes());
    }
    Map<SysReg, Integer> by = new EnumMap<>(SysReg.class);
    r.findings().forEach(f -> by.merge(f.register(), 1, Integer::sum));
    String regs =
        by.entrySet().stream()
            .map(e -> e.getKey() + " " + e.getValue())
            .collect(Collectors.joining(", "));
    int n = r.findings().size();
    return String.format(
        "%s: %d read%s (%d high, %d uncertain): %s",
        r.file(),
        n,
        n == 1 ? "" : "s",
        r.count(Confidence.HIGH),
        r.count(Confidence.UNCERTAIN),
        regs);
  }
}
