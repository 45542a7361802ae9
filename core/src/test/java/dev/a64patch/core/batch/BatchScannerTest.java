package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.ScanTotals;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.TestTree;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchScannerTest {
  static final BatchOptions OPTIONS = BatchOptions.of(ScanOptions.defaults()).withJobs(2);

  static ScanReport scan(BatchOptions options, Path... paths) {
    // A FIFO opened by mistake would block forever: fail instead.
    return assertTimeoutPreemptively(
        Duration.ofMinutes(2), () -> new BatchScanner(options).scan(List.of(paths)));
  }

  @Test
  void treeGivesExactlyTheExpectedResultsProblemsAndTotals(@TempDir Path dir) {
    TestTree tree = TestTree.build(dir.resolve("tree"));
    ScanReport r = scan(OPTIONS, tree.root());

    Map<String, ScanResult> byPath =
        r.results().stream().collect(Collectors.toMap(ScanResult::file, Function.identity()));
    assertEquals(
        tree.scanned().stream()
            .map(TestTree.Scanned::path)
            .collect(Collectors.toCollection(TreeSet::new)),
        new TreeSet<>(byPath.keySet()));
    for (TestTree.Scanned s : tree.scanned()) {
      assertEquals(
          oracle(s.source()),
          sites(byPath.get(s.path())),
          "findings of " + s.path() + " vs objdump of " + s.source());
    }

    Map<String, FailureKind> kinds = new TreeMap<>();
    r.problems().forEach(p -> kinds.put(p.path(), p.kind()));
    Map<String, FailureKind> expected = new TreeMap<>();
    tree.skipped().keySet().forEach(p -> expected.put(p, FailureKind.SKIPPED));
    tree.badInput().forEach(p -> expected.put(p, FailureKind.BAD_INPUT));
    assertEquals(expected, kinds, r.problems().toString());
    for (FileProblem p : r.problems()) {
      assertTrue(p.message().startsWith(p.path() + ": "), p.message());
      assertFalse(p.message().contains("\n"), p.message());
    }
    tree.skipped()
        .forEach((path, why) -> assertTrue(message(r, path).contains(why), message(r, path)));

    TestTree.Totals t = TestTree.TOTALS;
    assertEquals(
        new ScanTotals(
            t.files(),
            t.directories(),
            t.archives(),
            t.entries(),
            t.elf(),
            t.duplicates(),
            t.notRegular(),
            t.outside()),
        r.totals());
    assertEquals(t.nonElf(), r.nonElf());
  }

  @Test
  void theReportDoesNotDependOnTheNumberOfThreads(@TempDir Path dir) throws IOException {
    TestTree tree = TestTree.build(dir.resolve("tree"));
    String one = json(scan(OPTIONS.withJobs(1), tree.root()));
    for (int jobs : new int[] {2, 5}) {
      assertEquals(one, json(scan(OPTIONS.withJobs(jobs), tree.root())), jobs + " jobs");
    }
  }

  @Test
  void aLinkIsReportedUnderTheNameOfTheFileItLeadsTo(@TempDir Path dir) throws IOException {
    Path real = Files.copy(TestData.bin("libcounters.so"), dir.resolve("libz.so.1.2.3"));
    Files.createSymbolicLink(dir.resolve("libz.so"), real.getFileName());
    Files.createSymbolicLink(dir.resolve("libz.so.1"), real.getFileName());
    ScanReport r = scan(OPTIONS, dir);
    assertEquals(List.of(real.toString()), r.results().stream().map(ScanResult::file).toList());
    assertEquals(2, r.totals().duplicates());
  }

  @Test
  void aFileNamedTwiceOrAlsoFoundInADirectoryIsScannedOnce(@TempDir Path dir) throws IOException {
    Path f = Files.copy(TestData.bin("libcounters.so"), dir.resolve("lib.so"));
    ScanReport r = scan(OPTIONS, f, dir, f);
    assertEquals(List.of(f.toString()), r.results().stream().map(ScanResult::file).toList());
  }

  @Test
  void namedFilesKeepTheSingleFileRules(@TempDir Path dir) throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
    Path x86 = TestData.bin("hello-x86_64");
    Path missing = dir.resolve("missing");
    ScanReport r = scan(OPTIONS, text, x86, missing);
    Map<String, FailureKind> kinds = new TreeMap<>();
    r.problems().forEach(p -> kinds.put(p.path(), p.kind()));
    assertEquals(
        Map.of(
            text.toString(),
            FailureKind.BAD_INPUT,
            x86.toString(),
            FailureKind.BAD_INPUT,
            missing.toString(),
            FailureKind.UNREADABLE),
        kinds);
    assertEquals(0, r.nonElf(), "a named non-ELF file is an error, not a count");
    assertEquals(missing + ": no such file or directory", message(r, missing.toString()));
  }

  @Test
  void aFileThatCannotBeReadIsReportedAndTheRestIsScanned(@TempDir Path dir) throws IOException {
    Path good = Files.copy(TestData.bin("libcounters.so"), dir.resolve("a.so"));
    Path denied = Files.copy(TestData.bin("libcounters.so"), dir.resolve("b.so"));
    // Root reads every file whatever its mode, so the denial is simulated at the one place files
    // are opened.
    Inspector.Opener opener =
        p -> {
          if (p.equals(denied)) {
            throw new AccessDeniedException(p.toString());
          }
          return java.nio.channels.FileChannel.open(p);
        };
    ScanReport r = new BatchScanner(OPTIONS, opener).scan(List.of(dir));
    assertEquals(List.of(good.toString()), r.results().stream().map(ScanResult::file).toList());
    assertEquals(
        List.of(
            new FileProblem(
                denied.toString(), FailureKind.UNREADABLE, denied + ": permission denied")),
        r.problems());
  }

  /**
   * Reproducer: a library rebuilt (truncated) while scan had it mapped ended in an uncaught {@code
   * InternalError} ("a fault occurred in an unsafe memory access"), a stack trace and exit 1.
   */
  @Test
  void aFileTruncatedWhileMappedDuringAScanIsOneLineNotAnInternalError(@TempDir Path dir)
      throws IOException {
    Path good = Files.copy(TestData.bin("libcounters.so"), dir.resolve("a.so"));
    Path rebuilt = Files.copy(TestData.bin("libcounters.so"), dir.resolve("b.so"));
    // The truncation lands between the mapping and the scan, at the one place files are read.
    Mapped.Reader reader =
        p -> {
          dev.a64patch.elf.ElfFile elf = dev.a64patch.elf.ElfFile.read(p);
          if (p.equals(rebuilt)) {
            try (var c = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
              c.truncate(0);
            }
          }
          return elf;
        };
    ScanReport r =
        new BatchScanner(OPTIONS, java.nio.channels.FileChannel::open, reader).scan(List.of(dir));
    assertEquals(List.of(good.toString()), r.results().stream().map(ScanResult::file).toList());
    assertEquals(1, r.problems().size(), r.problems().toString());
    FileProblem p = r.problems().get(0);
    assertEquals(FailureKind.UNREADABLE, p.kind(), "exit 4, as for any file that changed");
    assertTrue(p.message().startsWith(rebuilt + ": was truncated while"), p.message());
    assertEquals(1, p.message().lines().count(), p.message());
  }

  @Test
  void aReadErrorOfTheKernelIsUnreadableAndNamesTheFile() {
    Path mem = Path.of("/proc/self/mem"); // a regular file whose first page cannot be read: EIO
    dev.a64patch.testing.Tools.assumeAvailable(Files.isRegularFile(mem), "no /proc/self/mem here");
    ScanReport r = scan(OPTIONS, mem);
    assertEquals(1, r.problems().size(), r.problems().toString());
    FileProblem p = r.problems().get(0);
    assertEquals(FailureKind.UNREADABLE, p.kind());
    assertTrue(p.message().startsWith("/proc/self/mem: "), p.message());
  }

  @Test
  void anArchiveEntryAboveTheSizeLimitIsRefusedWithoutReadingItAll(@TempDir Path dir)
      throws IOException {
    Path jar = dir.resolve("big.jar");
    TestTree.zip(
        jar,
        Map.of("lib/arm64-v8a/libcounters.so", Files.readAllBytes(TestData.bin("libcounters.so"))));
    ScanReport r = scan(OPTIONS.withMaxEntryBytes(1000), dir);
    assertEquals(List.of(), r.results());
    FileProblem p = r.problems().get(0);
    assertEquals(jar + "!/lib/arm64-v8a/libcounters.so", p.path());
    assertEquals(FailureKind.BAD_INPUT, p.kind());
    assertTrue(p.message().contains("larger than the 1000-byte limit"), p.message());
  }

  @Test
  void archivesNestedDeeperThanTheLimitAreSkippedVisibly(@TempDir Path dir) throws IOException {
    TestTree tree = TestTree.build(dir.resolve("tree"));
    ScanReport r = scan(OPTIONS.withArchiveDepth(1), tree.root().resolve("jars"));
    String inner = tree.root().resolve("jars/bundle.zip") + "!/inner.jar";
    assertEquals(
        FailureKind.SKIPPED,
        r.problems().stream()
            .filter(p -> p.path().equals(inner))
            .findFirst()
            .orElseThrow(() -> new AssertionError(r.problems().toString()))
            .kind());
    assertTrue(
        r.results().stream().noneMatch(x -> x.file().startsWith(inner)), r.results().toString());
  }

  @Test
  void aZipThatBreaksHalfWayIsAProblemNotACrash(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("cut.jar");
    TestTree.zip(
        jar,
        Map.of(
            "lib/a.so",
            Files.readAllBytes(TestData.bin("libcounters.so")),
            "lib/b.so",
            Files.readAllBytes(TestData.bin("libcounters-clang.so"))));
    byte[] whole = Files.readAllBytes(jar);
    Files.write(jar, java.util.Arrays.copyOf(whole, whole.length / 2)); // central directory gone
    ScanReport r = scan(OPTIONS, dir);
    assertEquals(List.of(jar.toString()), r.problems().stream().map(FileProblem::path).toList());
    assertEquals(FailureKind.BAD_INPUT, r.problems().get(0).kind(), r.problems().toString());
    assertTrue(
        r.problems().get(0).message().startsWith(jar + ": cannot read as a zip archive: "),
        r.problems().toString());
  }

  @Test
  void aNestedArchiveWithANonUtf8EntryNameIsBadInputNotACrash(@TempDir Path dir)
      throws IOException {
    // Written as Latin-1 without the UTF-8 flag; ZipInputStream decodes names as UTF-8 and
    // throws IllegalArgumentException ("MALFORMED"), not an IOException.
    java.io.ByteArrayOutputStream inner = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z =
        new java.util.zip.ZipOutputStream(inner, StandardCharsets.ISO_8859_1)) {
      z.putNextEntry(new java.util.zip.ZipEntry("caf\u00e9.so"));
      z.write(Files.readAllBytes(TestData.bin("libcounters.so")));
      z.closeEntry();
    }
    Path outer = dir.resolve("outer.zip");
    TestTree.zip(
        outer,
        Map.of(
            "inner.jar",
            inner.toByteArray(),
            "lib/good.so",
            Files.readAllBytes(TestData.bin("libcounters.so"))));
    ScanReport r = scan(OPTIONS, dir);
    assertEquals(
        List.of(outer + "!/lib/good.so"), r.results().stream().map(ScanResult::file).toList());
    assertEquals(1, r.problems().size(), r.problems().toString());
    FileProblem p = r.problems().get(0);
    assertEquals(outer + "!/inner.jar", p.path());
    assertEquals(FailureKind.BAD_INPUT, p.kind());
  }

  @Test
  void aJarWithANonUtf8EntryNameIsStillSearched(@TempDir Path dir) throws IOException {
    // ZipFile refuses such a central directory outright ("bad entry name") when decoding as UTF-8.
    Path jar = dir.resolve("latin1.jar");
    try (java.util.zip.ZipOutputStream z =
        new java.util.zip.ZipOutputStream(
            Files.newOutputStream(jar), StandardCharsets.ISO_8859_1)) {
      z.putNextEntry(new java.util.zip.ZipEntry("lib/caf\u00e9.so"));
      z.write(Files.readAllBytes(TestData.bin("libcounters.so")));
      z.closeEntry();
    }
    ScanReport r = scan(OPTIONS, dir);
    assertEquals(List.of(), r.problems());
    assertEquals(
        List.of(jar + "!/lib/caf\u00e9.so"), r.results().stream().map(ScanResult::file).toList());
  }

  @Test
  void aDirectoryWithoutFilesGivesAnEmptyReport(@TempDir Path dir) {
    ScanReport r = scan(OPTIONS, dir);
    assertEquals(List.of(), r.results());
    assertEquals(List.of(), r.problems());
    assertEquals(1, r.totals().directories());
  }

  static String message(ScanReport r, String path) {
    return r.problems().stream()
        .filter(p -> p.path().equals(path))
        .findFirst()
        .orElseThrow()
        .message();
  }

  static Set<String> oracle(Path binary) {
    return Objdump.sites(binary).stream()
        .map(s -> String.format("%x %s %s", s.address(), s.register(), s.rt()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static Set<String> sites(ScanResult r) {
    return r.findings().stream()
        .map(f -> String.format("%x %s %s", f.address(), f.register(), f.rtName()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  static String json(ScanReport r) throws IOException {
    StringWriter w = new StringWriter();
    JsonReport.write(r, w);
    return w.toString();
  }
}
