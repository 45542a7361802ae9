package dev.a64patch.core.report;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.ScanResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The closing block of the text report: how much was seen, what was found, where most. */
final class Summary {
  static final int MOST_READS = 5;

  private Summary() {}

  static void write(ScanReport report, PrintWriter out) {
    ScanTotals t = report.totals();
    out.println();
    out.println("Summary:");
    line(
        out,
        "files",
        String.format(
            "%d seen, %d ELF, %d AArch64 scanned, %d with reads",
            t.files(), t.elf(), report.results().size(), report.filesWithFindings()));
    line(
        out,
        "not scanned",
        String.format(
            "%d not ELF, %d skipped, %d bad input, %d unreadable",
            report.nonElf(),
            report.count(FailureKind.SKIPPED),
            report.count(FailureKind.BAD_INPUT),
            report.count(FailureKind.UNREADABLE)));
    if (t.archives() > 0) {
      line(out, "archives", String.format("%d searched, %d entries", t.archives(), t.entries()));
    }
    if (t.directories() > 0) {
      line(
          out,
          "walked",
          String.format(
              "%d %s; %d duplicate paths (links), %d links out of the tree, "
                  + "%d FIFOs/devices/sockets/dangling links",
              t.directories(),
              t.directories() == 1 ? "directory" : "directories",
              t.duplicates(),
              t.outside(),
              t.notRegular()));
    }
    line(
        out,
        "reads",
        String.format(
            "%d (%d high, %d uncertain)",
            report.findingCount(),
            report.findingCount(Confidence.HIGH),
            report.findingCount(Confidence.UNCERTAIN)));
    if (!report.byRegister().isEmpty()) {
      line(
          out,
          "by register",
          report.byRegister().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")));
    }
    List<ScanResult> most = report.mostReads(MOST_READS);
    if (!most.isEmpty()) {
      int width = String.valueOf(most.get(0).findings().size()).length();
      List<String> rows = new ArrayList<>();
      for (ScanResult r : most) {
        rows.add(String.format("%" + width + "d  %s", r.findings().size(), r.file()));
      }
      line(out, "most reads", rows.get(0));
      rows.subList(1, rows.size()).forEach(row -> line(out, "", row));
    }
  }

  private static void line(PrintWriter out, String label, String text) {
    out.println(String.format("  %-13s%s", label.isEmpty() ? "" : label + ":", text));
  }
}
