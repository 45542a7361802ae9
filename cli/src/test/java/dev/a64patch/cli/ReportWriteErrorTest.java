package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: write errors on reports were ignored. {@code scan -o report.json} on a full disk and
 * {@code scan > /dev/full} exited 0 with a truncated report. Now: exit 4, one line naming where the
 * report went, and no partial report file.
 */
class ReportWriteErrorTest {
  @TempDir Path dir;

  @Test
  void scanToAFullDeviceExits4NamingIt() {
    Path full = Path.of("/dev/full");
    dev.a64patch.testing.Tools.assumeAvailable(Files.exists(full), "no /dev/full here");
    CliRunner.Run r =
        CliRunner.run(
            "scan",
            "--format",
            "json",
            "-o",
            full.toString(),
            TestData.bin("libcounters.so").toString());
    assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("a64patch: /dev/full: "), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void scanToStdoutThatFailsExits4() {
    StringWriter err = new StringWriter();
    var cl = Cli.commandLine();
    cl.setOut(
        new PrintWriter(
            new Writer() {
              @Override
              public void write(char[] cbuf, int off, int len) throws IOException {
                throw new IOException("No space left on device");
              }

              @Override
              public void flush() throws IOException {
                throw new IOException("No space left on device");
              }

              @Override
              public void close() {}
            }));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("scan", TestData.bin("libcounters.so").toString());
    assertEquals(ExitCode.UNREADABLE.code(), code, err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().contains("standard output"), err.toString());
  }

  @Test
  void scanRedirectedToDevFullExits4() throws Exception {
    Path full = Path.of("/dev/full");
    dev.a64patch.testing.Tools.assumeAvailable(Files.exists(full), "no /dev/full here");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    for (String format : List.of("text", "json")) {
      Process p =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "scan",
                  "--format",
                  format,
                  TestData.bin("libcounters.so").toString())
              .redirectOutput(full.toFile())
              .redirectError(dir.resolve("err").toFile())
              .start();
      assertTrue(p.waitFor(2, TimeUnit.MINUTES));
      String err = Files.readString(dir.resolve("err"));
      assertEquals(ExitCode.UNREADABLE.code(), p.exitValue(), err);
      assertTrue(err.contains("standard output"), err);
      assertFalse(err.contains("Exception"), err);
    }
  }

  @Test
  void aReportFileFollowsTheUmaskNotMode0600() throws Exception {
    Path out = dir.resolve("report.json");
    CliRunner.Run r =
        CliRunner.run(
            "scan",
            "--format",
            "json",
            "-o",
            out.toString(),
            TestData.bin("libcounters.so").toString());
    assertEquals(0, r.exitCode(), r.err());
    // The JVM's umask is inherited; a shell redirection would give 0666 & ~umask. Compare with a
    // file created the same way.
    Path probe = Files.createFile(dir.resolve("probe"));
    assertEquals(
        PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)),
        PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
    assertTrue(Files.readString(out, StandardCharsets.UTF_8).strip().endsWith("}"));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }
    assertNotNull(new File(out.toString()));
  }
}
