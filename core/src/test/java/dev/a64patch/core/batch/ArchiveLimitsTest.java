package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues: a duplicate entry name in a zip hid the first entry and reported the second twice; four
 * jars each holding a 250 MiB entry ended in OutOfMemoryError with a stack trace.
 */
class ArchiveLimitsTest {
  @TempDir Path dir;

  @Test
  void aDuplicateEntryNameIsReportedAndItsReadsCountedOnce() throws Exception {
    byte[] lib = Files.readAllBytes(TestData.bin("libcounters.so"));
    Path jar = dir.resolve("dup.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (String n : List.of("lib/a.so", "lib/b.so")) {
        z.putNextEntry(new ZipEntry(n));
        z.write(lib);
        z.closeEntry();
      }
    }
    // ZipOutputStream refuses duplicate names: rename the second entry in place (same length).
    byte[] b = Files.readAllBytes(jar);
    byte[] from = "lib/b.so".getBytes(StandardCharsets.US_ASCII);
    byte[] to = "lib/a.so".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + from.length <= b.length; i++) {
      if (java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, b, i, to.length);
      }
    }
    Files.write(jar, b);
    ScanReport single =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(1))
            .scan(List.of(TestData.bin("libcounters.so")));
    ScanReport r =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(1)).scan(List.of(jar));
    assertEquals(single.findingCount(), r.findingCount(), "reads of one entry counted twice");
    List<FileProblem> dup =
        r.problems().stream()
            .filter(p -> p.message().contains("2 entries with this name"))
            .toList();
    assertEquals(1, dup.size(), r.problems().toString());
    assertEquals(FailureKind.BAD_INPUT, dup.get(0).kind());
    assertTrue(dup.get(0).message().startsWith(jar + "!/lib/a.so: "), dup.get(0).message());
  }

  /** Issue: bad-input messages showed a bare "EOFException" or a Java class name. */
  @Test
  void aTruncatedNestedArchiveIsWordedWithoutJavaClassNames() throws Exception {
    byte[] lib = Files.readAllBytes(TestData.bin("libcounters.so"));
    java.io.ByteArrayOutputStream inner = new java.io.ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(inner)) {
      z.putNextEntry(new ZipEntry("lib/a.so"));
      z.write(lib);
      z.closeEntry();
    }
    byte[] cut = java.util.Arrays.copyOf(inner.toByteArray(), inner.size() / 2);
    Path jar = dir.resolve("outer.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      z.putNextEntry(new ZipEntry("inner.jar"));
      z.write(cut);
      z.closeEntry();
    }
    ScanReport r =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(1)).scan(List.of(jar));
    assertFalse(r.problems().isEmpty(), "a truncated archive is a problem");
    for (FileProblem p : r.problems()) {
      assertFalse(p.message().matches(".*[A-Z][a-z]+Exception.*"), p.message());
    }
  }

  /** Child JVM with a small heap: big entries must fail cleanly, never with OutOfMemoryError. */
  @Test
  void bigEntriesInSeveralJarsDoNotExhaustTheHeap() throws Exception {
    List<String> jars = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path jar = dir.resolve("big" + i + ".jar");
      try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
        z.setLevel(1);
        z.putNextEntry(new ZipEntry("lib/big.so"));
        z.write(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        zeros(z, 120L << 20);
        z.closeEntry();
      }
      jars.add(jar.toString());
    }
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            javaBin.toString(),
            "-Xmx200m",
            "-cp",
            System.getProperty("java.class.path"),
            BigEntriesScan.class.getName()));
    cmd.addAll(jars);
    Tools.Result child = Tools.run(cmd, Duration.ofMinutes(3));
    assertEquals(0, child.exitCode(), child.describe());
    assertFalse(child.stderr().contains("OutOfMemoryError"), child.describe());
    assertTrue(child.stdout().contains("problems 3"), child.describe());
  }

  private static void zeros(OutputStream out, long n) throws IOException {
    byte[] zero = new byte[1 << 20];
    for (long done = 0; done < n; done += zero.length) {
      out.write(zero, 0, (int) Math.min(zero.length, n - done));
    }
  }

  /** Scans its arguments with 3 threads and prints the number of problems. */
  public static final class BigEntriesScan {
    public static void main(String[] args) {
      ScanReport r =
          new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(3))
              .scan(java.util.Arrays.stream(args).map(Path::of).toList());
      r.problems().forEach(p -> System.out.println(p.message()));
      System.out.println("problems " + r.problems().size());
    }
  }
}
