package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Selecting files met while walking (build-tool include/exclude patterns), and renaming report
 * paths.
 */
class BatchSelectTest {
  @TempDir Path dir;

  @Test
  void onlySelectedWalkedFilesAreOpenedAndCounted() throws Exception {
    Files.createDirectories(dir.resolve("keep"));
    Files.createDirectories(dir.resolve("drop"));
    Files.copy(TestData.bin("libcounters.so"), dir.resolve("keep/libcounters.so"));
    Files.copy(TestData.bin("libcounters.so"), dir.resolve("drop/libcounters.so"));
    Files.copy(TestData.bin("hello-x86_64"), dir.resolve("drop/hello"));
    Files.writeString(dir.resolve("drop/notes.txt"), "text");
    BatchScanner s = new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(2));

    ScanReport all = s.scan(List.of(dir));
    assertEquals(2, all.results().size());
    assertEquals(4, all.totals().files());

    ScanReport some =
        s.scan(List.of(dir), p -> p.startsWith(dir.resolve("keep")), BatchProgress.NONE);
    assertEquals(
        List.of(dir.resolve("keep/libcounters.so").toString()),
        some.results().stream().map(ScanResult::file).toList());
    assertEquals(1, some.totals().files(), "unselected files count nowhere");
    assertEquals(0, some.nonElf());
    assertEquals(0, some.problems().size(), "the x86-64 file was not even opened");

    Path named = dir.resolve("drop/libcounters.so");
    ScanReport explicit = s.scan(List.of(named), p -> false, BatchProgress.NONE);
    assertEquals(1, explicit.results().size(), "a file named by the caller is always scanned");
  }

  @Test
  void withPathsRenamesResultsProblemsAndArchivesButNotEntryNames() throws Exception {
    Path jar = dir.resolve("app.jar");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      z.putNextEntry(new ZipEntry("lib/libcounters.so"));
      z.write(Files.readAllBytes(TestData.bin("libcounters.so")));
      z.putNextEntry(new ZipEntry("lib/libhello.so"));
      z.write(Files.readAllBytes(TestData.bin("hello-x86_64")));
      z.closeEntry();
    }
    Files.copy(TestData.bin("libcounters.so"), dir.resolve("libcounters.so"));
    ScanReport r =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults()).withJobs(1)).scan(List.of(dir));
    String prefix = dir + "/";
    ScanReport renamed =
        r.withPaths(p -> p.startsWith(prefix) ? "out/" + p.substring(prefix.length()) : p);

    assertEquals(
        List.of("out/app.jar!/lib/libcounters.so", "out/libcounters.so"),
        renamed.results().stream().map(ScanResult::file).toList());
    assertEquals(r.findingCount(), renamed.findingCount());
    assertEquals(
        new ArchiveEntry("out/app.jar", "lib/libcounters.so"),
        renamed.entry("out/app.jar!/lib/libcounters.so").orElseThrow());
    assertEquals("out/app.jar!/lib/libhello.so", renamed.problems().get(0).path());
    assertTrue(
        renamed.problems().get(0).message().startsWith("out/app.jar!/lib/libhello.so: "),
        renamed.problems().get(0).message());
    assertEquals(r.totals(), renamed.totals());
  }
}
