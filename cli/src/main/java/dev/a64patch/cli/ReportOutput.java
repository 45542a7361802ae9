package dev.a64patch.cli;

import dev.a64patch.core.report.CsvReport;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.SarifReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.TextReport;
import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a scan report in the chosen format to stdout, or to a file that appears only when complete
 * (temporary file, fsync, rename); a write error is exit 4 and leaves no partial report.
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
      checkStdout(stdout);
      return;
    }
    Path target = file.toAbsolutePath();
    if (Files.exists(target) && !Files.isRegularFile(target)) {
      // A device or pipe (-o /dev/stdout): written directly, never replaced by a rename.
      try (KeptError w = new KeptError(Files.newBufferedWriter(target, StandardCharsets.UTF_8))) {
        PrintWriter out = new PrintWriter(w);
        write(report, format, sarifStartLine, out);
        w.rethrow(file);
        out.flush();
        w.rethrow(file);
      } catch (FileSystemException e) {
        throw e;
      } catch (IOException e) {
        throw new FileSystemException(file.toString(), null, reason(e));
      }
      return;
    }
    Path tmp =
        target.resolveSibling(
            "." + target.getFileName() + ".a64patch." + ProcessHandle.current().pid() + ".tmp");
    boolean done = false;
    // Created without explicit permissions, so the umask decides, as for any file a shell
    // redirection creates; an existing report keeps its mode.
    try (FileChannel channel =
            FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        KeptError w =
            new KeptError(
                new BufferedWriter(
                    Channels.newWriter(channel, StandardCharsets.UTF_8.newEncoder(), 1 << 16)))) {
      PrintWriter out = new PrintWriter(w);
      write(report, format, sarifStartLine, out);
      w.rethrow(file);
      out.flush();
      w.rethrow(file);
      channel.force(true);
      if (Files.exists(target)) {
        Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      throw new FileSystemException(file.toString(), null, reason(e));
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Checks that everything printed to standard output got there: PrintWriter and PrintStream
   * swallow write errors ({@code scan > /dev/full} used to exit 0).
   */
  static void checkStdout(PrintWriter stdout) throws IOException {
    if (stdout.checkError()) {
      throw new FileSystemException(
          "standard output", null, "write error (disk full, or the reader went away)");
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? "write error" : m.lines().findFirst().orElse(m);
  }

  /** A writer that remembers the first write error, which PrintWriter would otherwise hide. */
  private static final class KeptError extends FilterWriter {
    private IOException error;

    KeptError(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      try {
        super.write(c);
      } catch (IOException e) {
        throw keep(e);
      }
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      try {
        super.write(cbuf, off, len);
      } catch (IOException e) {
        throw keep(e);
      }
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      try {
        super.write(str, off, len);
      } catch (IOException e) {
        throw keep(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        super.flush();
      } catch (IOException e) {
        throw keep(e);
      }
    }

    private IOException keep(IOException e) {
      if (error == null) {
        error = e;
      }
      return e;
    }

    void rethrow(Path file) throws IOException {
      if (error != null) {
        throw new FileSystemException(file.toString(), null, reason(error));
      }
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
