package dev.a64patch.cli;

import dev.a64patch.core.report.CsvReport;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.SarifReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.TextReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a scan report in the chosen format to stdout, or to a file that appears only when
 * complete.
 */
final class ReportOutput {
  private ReportOutput() {}

  static void write(
      ScanReport report,
      FormatOption.Format format,
      boolean sarifStartLine,
      Path file,
      PrintWriter stdout)
      throws IOException {
    if (file == null) {
      write(report, format, sarifStartLine, stdout);
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        write(report, format, sarifStartLine, new PrintWriter(w));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void write(
      ScanReport report, FormatOption.Format format, boolean sarifStartLine, PrintWriter out)
      throws IOException {
    switch (format) {
      case JSON -> JsonReport.write(report, out);
      case SARIF ->
          SarifReport.write(report, out, new SarifReport.Options(Path.of(""), sarifStartLine));
      case CSV -> CsvReport.write(report, out);
      case TEXT -> TextReport.write(report, out);
    }
    out.flush();
  }
}
