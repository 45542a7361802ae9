package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonHasTheDocumentedFieldsAndAgreesWithObjdump() throws Exception {
    Path file = TestData.bin("counters-gcc-pie");
    CliRunner.Run r = CliRunner.run("scan", "--format", "json", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("", r.err());
    JsonNode root = JSON.readTree(r.out());
    assertEquals(1, root.get("schema").asInt());
    JsonNode f = root.get("files").get(0);
    assertEquals(file.toString(), f.get("path").asText());
    Set<String> reported = new TreeSet<>();
    for (JsonNode finding : f.get("findings")) {
      for (String field :
          List.of("address", "offset", "register", "rt", "section", "symbol", "confidence")) {
        assertTrue(finding.has(field), "missing " + field + " in " + finding);
      }
      assertTrue(finding.get("address").asText().matches("0x[0-9a-f]+"), finding.toString());
      assertTrue(
          finding.get("rt").asText().matches("x([0-9]|[12][0-9]|30)|xzr"), finding.toString());
      assertTrue(Set.of("high", "uncertain").contains(finding.get("confidence").asText()));
      reported.add(finding.get("address").asText() + " " + finding.get("register").asText());
    }
    Set<String> oracle =
        Objdump.sites(file).stream()
            .map(s -> "0x" + Long.toHexString(s.address()) + " " + s.register())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(oracle, reported);
  }

  @Test
  void textIsATableWithASummaryPerFile() {
    Path file = TestData.bin("counters-gcc-pie");
    CliRunner.Run r =
        CliRunner.run("scan", file.toString(), TestData.bin("hello-arm32").toString());
    assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode());
    String[] lines = r.out().split("\n");
    assertTrue(
        lines[0].matches("FILE\\s+ADDRESS\\s+REGISTER\\s+RT\\s+CONFIDENCE\\s+SYMBOL"), lines[0]);
    assertTrue(r.out().contains(file + ": "), r.out());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        ".*counters-gcc-pie: \\d+ reads \\(\\d+ high, \\d+ uncertain\\): .*")),
        r.out());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("a64patch: " + TestData.bin("hello-arm32") + ": ARM (32-bit) file"),
        r.err());
  }

  @Test
  void registersOptionRestrictsAndRejectsUnknownNames() throws Exception {
    CliRunner.Run r =
        CliRunner.run(
            "scan",
            "--format",
            "json",
            "--registers",
            "cntfrq",
            TestData.bin("counters-gcc-pie").toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode findings = JSON.readTree(r.out()).get("files").get(0).get("findings");
    assertTrue(findings.size() > 0);
    assertTrue(
        StreamSupport.stream(findings.spliterator(), false)
            .allMatch(f -> f.get("register").asText().equals("CNTFRQ_EL0")));
    CliRunner.Run bad = CliRunner.run("scan", "--registers", "cntxyz", "x");
    assertEquals(ExitCode.USAGE.code(), bad.exitCode());
    assertTrue(bad.err().contains("unknown register 'cntxyz'"), bad.err());
  }

  @Test
  void contextPrintsDisassemblyAroundEachRead() {
    CliRunner.Run r =
        CliRunner.run(
            "scan",
            "--context",
            "1",
            "--registers",
            "CNTFRQ_EL0",
            TestData.bin("counters-gcc-pie").toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l -> l.trim().startsWith("=> ") && l.contains("mrs") && l.contains("cntfrq_el0")),
        r.out());
  }

  @Test
  void badInputsGetOneLineAndTheirExitCode(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    Path text = Files.writeString(dir.resolve("notes.txt"), "hello\n");
    Path truncated = dir.resolve("truncated");
    Files.write(
        truncated,
        java.util.Arrays.copyOf(Files.readAllBytes(TestData.bin("counters-gcc-pie")), 100));
    for (Path p :
        List.of(
            empty, text, truncated, TestData.bin("hello-x86_64"), TestData.bin("hello-arm32"))) {
      CliRunner.Run r = CliRunner.run("scan", p.toString());
      assertEquals(ExitCode.BAD_INPUT.code(), r.exitCode(), p + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("a64patch: " + p + ": "), r.err());
    }
    // Directories are scanned; a named FIFO is still refused without being opened.
    Path fifo = dir.resolve("fifo");
    assertEquals(
        0,
        Tools.run(
                List.of(Tools.require("mkfifo").toString(), fifo.toString()),
                Duration.ofSeconds(30))
            .exitCode());
    for (Path p : List.of(fifo, dir.resolve("missing"))) {
      CliRunner.Run r =
          assertTimeoutPreemptively(
              Duration.ofMinutes(1), () -> CliRunner.run("scan", p.toString()));
      assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), p + ": " + r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("a64patch: " + p + ": "), r.err());
    }
  }

  @Test
  void unreadableFileIsReportedWithItsExitCode(@TempDir Path dir) throws Exception {
    Path locked;
    if (dev.a64patch.testing.Tools.isRoot()) {
      // Permission bits do not stop root; /proc/self/mem is a regular file whose first page
      // cannot be read (EIO) by anyone.
      locked = Path.of("/proc/self/mem");
    } else {
      locked = Files.copy(TestData.bin("counters-gcc-pie"), dir.resolve("locked"));
      Files.setPosixFilePermissions(
          locked, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));
    }
    CliRunner.Run r = CliRunner.run("scan", locked.toString());
    assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("a64patch: " + locked + ": "), r.err());
    if (!dev.a64patch.testing.Tools.isRoot()) {
      assertEquals("a64patch: " + locked + ": permission denied", r.err().strip());
    }
  }

  @Test
  void helpListsEveryExitCodeAndExamples() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"scan", "--help"})) {
      CliRunner.Run r = CliRunner.run(args);
      assertEquals(0, r.exitCode());
      for (ExitCode c : ExitCode.values()) {
        assertTrue(
            r.out().matches("(?s).*\\n\\s*" + c.code() + "\\s+\\S.*"),
            "exit code " + c.code() + " in\n" + r.out());
      }
      assertTrue(r.out().contains("Examples:"), r.out());
    }
  }
}
