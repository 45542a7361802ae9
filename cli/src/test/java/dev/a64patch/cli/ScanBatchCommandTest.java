package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.core.Names;
import dev.a64patch.core.Version;
import dev.a64patch.testing.SarifSchema;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.TestTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code a64patch scan} over the test tree, whole reports compared with the expected ones in
 * src/test/resources/batch (run with -Da64patch.bless=true to rewrite them after a deliberate
 * change, then review the diff). The tree is built under target/ and named by a relative path, as a
 * CI job names its build output, so SARIF URIs are relative too.
 */
class ScanBatchCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path TREES = Path.of("target", "test-trees", "cli");
  static TestTree tree;

  @BeforeAll
  static void buildTree() throws IOException {
    deleteRecursively(TREES);
    tree = TestTree.build(TREES.resolve("tree"));
  }

  static CliRunner.Run scan(String... args) {
    List<String> all = new ArrayList<>(List.of("scan"));
    all.addAll(List.of(args));
    return assertTimeoutPreemptively(
        Duration.ofMinutes(2), () -> CliRunner.run(all.toArray(String[]::new)));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FormatOption.Format.class)
  void treeGivesExactlyTheExpectedReport(FormatOption.Format format) throws IOException {
    CliRunner.Run r = scan("--format", Names.id(format), tree.root().toString());
    assertEquals(
        ExitCode.BAD_INPUT.code(), r.exitCode(), "the tree holds malformed files: " + r.err());
    List<String> expectedErr = tree.badInput().stream().sorted().toList();
    List<String> errLines = r.err().lines().toList();
    assertEquals(expectedErr.size(), errLines.size(), r.err());
    for (int i = 0; i < errLines.size(); i++) {
      assertTrue(
          errLines.get(i).startsWith("a64patch: " + expectedErr.get(i) + ": "), errLines.get(i));
    }
    assertGolden("tree." + Names.id(format), r.out());
    if (format == FormatOption.Format.SARIF) {
      assertEquals(List.of(), SarifSchema.violations(r.out()));
    }
  }

  @Test
  void jsonTotalsAreTheTreesAndEveryScannedFileIsListed() throws IOException {
    JsonNode root = JSON.readTree(scan("--format", "json", tree.root().toString()).out());
    JsonNode s = root.get("summary");
    TestTree.Totals t = TestTree.TOTALS;
    assertEquals(t.files(), s.get("filesSeen").asLong());
    assertEquals(t.directories(), s.get("directories").asLong());
    assertEquals(t.archives(), s.get("archives").asLong());
    assertEquals(t.entries(), s.get("archiveEntries").asLong());
    assertEquals(t.elf(), s.get("elf").asLong());
    assertEquals(t.duplicates(), s.get("duplicates").asLong());
    assertEquals(t.notRegular(), s.get("notRegular").asLong());
    assertEquals(t.outside(), s.get("outsideLinks").asLong());
    assertEquals(t.nonElf(), s.get("nonElf").asLong());
    assertEquals(tree.skipped().size(), s.get("skipped").asLong());
    assertEquals(tree.badInput().size(), s.get("badInput").asLong());
    TreeSet<String> listed = new TreeSet<>();
    root.get("files").forEach(f -> listed.add(f.get("path").asText()));
    TreeSet<String> expected = new TreeSet<>();
    tree.scanned().forEach(x -> expected.add(x.path()));
    assertEquals(expected, listed);
    JsonNode entry = null;
    for (JsonNode f : root.get("files")) {
      if (f.get("path").asText().endsWith("!/natives/linux-aarch64/libcounters-bti.so")) {
        entry = f;
      }
    }
    assertNotNull(entry);
    assertEquals(tree.root().resolve("jars/native.jar").toString(), entry.get("archive").asText());
    assertEquals("natives/linux-aarch64/libcounters-bti.so", entry.get("entry").asText());
  }

  @Test
  void outputFileHoldsWhatStdoutWouldAndStdoutStaysEmpty(@TempDir Path dir) throws IOException {
    Path out = dir.resolve("report.sarif");
    CliRunner.Run r = scan("--format", "sarif", "-o", out.toString(), tree.root().toString());
    assertEquals("", r.out());
    assertEquals(scan("--format", "sarif", tree.root().toString()).out(), Files.readString(out));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(out), left.toList(), "no temporary file left behind");
    }
  }

  @Test
  void failOnTurnsMatchingReadsIntoExitOne() {
    String lib =
        TestData.bin("libcounters.so").toString(); // 4 CNTVCT, 2 CNTPCT, 1 CNTFRQ, all high
    assertEquals(ExitCode.OK.code(), scan(lib).exitCode(), "no gate, no failure");
    CliRunner.Run gated = scan("--fail-on", "counters", lib);
    assertEquals(ExitCode.FINDINGS.code(), gated.exitCode(), gated.err());
    assertTrue(gated.err().contains("--fail-on: 6 matching reads found"), gated.err());
    assertEquals(ExitCode.OK.code(), scan("--fail-on", "RNDR,PMCCNTR_EL0", lib).exitCode());
    assertEquals(
        ExitCode.FINDINGS.code(),
        scan("--fail-on", "cntfrq", "--fail-on-confidence", "high", lib).exitCode());
  }

  @Test
  void failOnConfidenceHighIgnoresUncertainReads() {
    String noshdr =
        TestData.bin("counters-gcc-noshdr").toString(); // no section headers: every read uncertain
    assertEquals(ExitCode.FINDINGS.code(), scan("--fail-on", "all", noshdr).exitCode());
    assertEquals(
        ExitCode.OK.code(),
        scan("--fail-on", "all", "--fail-on-confidence", "high", noshdr).exitCode());
  }

  @Test
  void exitCodesRankUnreadableOverBadInputOverGateFindings() {
    String root = tree.root().toString();
    assertEquals(ExitCode.BAD_INPUT.code(), scan("--fail-on", "all", root).exitCode());
    CliRunner.Run r = scan("--fail-on", "all", root, "/proc/self/mem");
    assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), r.err());
    assertTrue(r.err().contains("a64patch: /proc/self/mem: "), r.err());
    assertTrue(r.out().contains("Summary:"), "the report is still written: " + r.out());
  }

  @Test
  void failOnARegisterThatIsNotScannedIsAUsageError() {
    CliRunner.Run r =
        scan(
            "--registers",
            "counters",
            "--fail-on",
            "cntfrq",
            TestData.bin("libcounters.so").toString());
    assertEquals(ExitCode.USAGE.code(), r.exitCode());
    assertTrue(
        r.err().contains("--fail-on names [CNTFRQ_EL0], which --registers leaves out"), r.err());
    assertEquals(ExitCode.USAGE.code(), scan("--jobs", "0", ".").exitCode());
    assertEquals(ExitCode.USAGE.code(), scan("--sarif-start-line", ".").exitCode());
  }

  @Test
  void jobsDoNotChangeTheReport() {
    String one = scan("--jobs", "1", "--format", "json", tree.root().toString()).out();
    assertEquals(one, scan("--jobs", "3", "--format", "json", tree.root().toString()).out());
  }

  void assertGolden(String name, String actual) throws IOException {
    String normalized =
        actual
            .replace("\"" + Version.get() + "\"", "\"${VERSION}\"")
            .replace(Path.of("").toAbsolutePath().toUri().toString(), "${SRCROOT}");
    Path golden = Path.of("src/test/resources/batch").resolve(name);
    if (Boolean.getBoolean("a64patch.bless")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, normalized, StandardCharsets.UTF_8);
    }
    assertEquals(
        Files.readString(golden, StandardCharsets.UTF_8),
        normalized,
        "report differs from " + golden);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
