package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The patch, restore and verify commands end to end, as a user runs them. */
class PatchCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void bareFileArgumentPatchesInPlaceThenVerifyAndRestoreRoundTrip() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] original = Files.readAllBytes(file);
    CliRunner.Run p = CliRunner.run(file.toString());
    assertEquals(0, p.exitCode(), p.err());
    assertTrue(p.out().startsWith(file + ": patched "), p.out());
    assertFalse(java.util.Arrays.equals(original, Files.readAllBytes(file)));
    Tools.Result run = Qemu.run(file);
    assertEquals(0, run.exitCode(), run.describe());

    CliRunner.Run v = CliRunner.run("verify", file.toString());
    assertEquals(0, v.exitCode(), v.out());
    assertTrue(v.out().startsWith(file + ": ok"), v.out());

    CliRunner.Run again = CliRunner.run("patch", file.toString());
    assertEquals(0, again.exitCode());
    assertTrue(again.out().contains("already patched with these options"), again.out());

    CliRunner.Run r = CliRunner.run("restore", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertArrayEquals(original, Files.readAllBytes(file));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "no stray files");
    }
  }

  /**
   * Reproducer: the text report said "1 left alone" for CNTFRQ/PMCCNTR reads without the reason
   * that the JSON report gives. Every read objdump finds that the summary does not count as patched
   * must appear on a "left alone" line with its reason, and those lines must add up to the
   * summary's count.
   */
  @Test
  void textReportGivesTheReasonForEveryReadLeftAlone() throws Exception {
    Path in = TestData.copy("counters-gcc-pie", dir);
    CliRunner.Run p = CliRunner.run("patch", "-o", dir.resolve("out").toString(), in.toString());
    assertEquals(0, p.exitCode(), p.err());
    Matcher summary =
        Pattern.compile("patched (\\d+) of (\\d+) read\\(s\\).*, (\\d+) left alone")
            .matcher(p.out());
    assertTrue(summary.find(), p.out());
    int total = Integer.parseInt(summary.group(2));
    int left = Integer.parseInt(summary.group(3));
    assertEquals(Objdump.sites(in).size(), total, "objdump's count of reads");
    Map<String, Integer> byRegister = new TreeMap<>();
    for (String line : p.out().lines().filter(l -> l.startsWith("  left alone: ")).toList()) {
      Matcher one = Pattern.compile("  left alone: 0x[0-9a-f]+ (\\S+) \\S+: (.+)").matcher(line);
      Matcher many = Pattern.compile("  left alone: (\\d+) (\\S+) read\\(s\\): (.+)").matcher(line);
      if (one.matches()) {
        byRegister.merge(one.group(1), 1, Integer::sum);
        assertFalse(one.group(2).isBlank(), line);
      } else {
        assertTrue(many.matches(), "a left-alone line without its reason: " + line);
        byRegister.merge(many.group(2), Integer.parseInt(many.group(1)), Integer::sum);
        assertFalse(many.group(3).isBlank(), line);
      }
    }
    assertEquals(left, byRegister.values().stream().mapToInt(Integer::intValue).sum(), p.out());
    for (String reg : List.of("CNTFRQ_EL0", "PMCCNTR_EL0")) {
      long seen =
          Objdump.sites(in).stream().filter(s -> s.register().equalsIgnoreCase(reg)).count();
      assertTrue(seen > 0, reg + " is in the fixture");
      assertEquals((int) seen, byRegister.getOrDefault(reg, 0), reg + ": " + p.out());
    }
  }

  @Test
  void outputOptionLeavesTheInputAlone() throws Exception {
    Path in = TestData.copy("libcounters.so", dir);
    byte[] original = Files.readAllBytes(in);
    Path out = dir.resolve("out.so");
    CliRunner.Run p =
        CliRunner.run("patch", "--strategy", "clock", "-o", out.toString(), in.toString());
    assertEquals(0, p.exitCode(), p.err());
    assertArrayEquals(original, Files.readAllBytes(in));
    assertTrue(Files.exists(out));
    assertEquals(0, CliRunner.run("verify", out.toString()).exitCode());
  }

  @Test
  void dryRunPrintsThePlanAsJsonAndWritesNothing() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] original = Files.readAllBytes(file);
    CliRunner.Run p = CliRunner.run("patch", "--dry-run", "--format", "json", file.toString());
    assertEquals(0, p.exitCode(), p.err());
    assertArrayEquals(original, Files.readAllBytes(file));
    JsonNode f = JSON.readTree(p.out()).get("files").get(0);
    assertEquals("dry-run", f.get("result").asText());
    assertTrue(f.get("text").get("vaddr").asText().matches("0x[0-9a-f]+"));
    // The RW block: the counter, the RNDR sequence and the shared clock's slot, 8 bytes each.
    assertEquals(24, f.get("data").get("size").asInt());
    long sites = f.get("sites").size();
    assertEquals(
        Objdump.sites(file).stream().filter(s -> !s.data()).count() + 1,
        sites,
        "every read objdump shows, plus the $d word it shows as data");
    JsonNode first = f.get("sites").get(0);
    for (String field :
        new String[] {"address", "offset", "register", "rt", "action", "originalWord", "newWord"}) {
      assertTrue(first.has(field), field + " in " + first);
    }
    boolean hasCode = false;
    for (JsonNode s : f.get("sites")) {
      if (s.get("action").asText().equals("trampoline")) {
        assertTrue(s.get("code").size() > 2, s.toString());
        assertTrue(
            s.get("code").get(s.get("code").size() - 1).asText().contains("  b #0x"), s.toString());
        hasCode = true;
      }
    }
    assertTrue(hasCode);
  }

  @Test
  void refusedPatchHasItsOwnExitCodeAndOneLine() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    CliRunner.Run p = CliRunner.run("patch", "--max-padding", "0", file.toString());
    assertEquals(ExitCode.REFUSED.code(), p.exitCode(), p.err());
    assertEquals(1, p.err().lines().count(), p.err());
    assertTrue(p.err().contains("--max-padding"), p.err());
  }

  /**
   * Bug: a refused patch (exit 6) was reported as {@code "kind":"unreadable"} in the JSON report,
   * because the command line mapped exceptions to exit codes and report kinds in two places.
   */
  @Test
  void refusalReportedAsUnreadableInJson() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] original = Files.readAllBytes(file);
    CliRunner.Run p =
        CliRunner.run("patch", "--format", "json", "--max-padding", "0", file.toString());
    assertEquals(ExitCode.REFUSED.code(), p.exitCode(), p.err());
    JsonNode problem = JSON.readTree(p.out()).get("problems").get(0);
    assertEquals("refused", problem.get("kind").asText(), problem.toString());
    assertEquals(file.toString(), problem.get("path").asText());
    assertTrue(problem.get("message").asText().contains("--max-padding"), problem.toString());
    assertArrayEquals(original, Files.readAllBytes(file));
  }

  @Test
  void badInputsAndUnknownValues() throws Exception {
    Path text = Files.writeString(dir.resolve("x.txt"), "not elf");
    CliRunner.Run bad = CliRunner.run(text.toString());
    assertEquals(ExitCode.BAD_INPUT.code(), bad.exitCode());
    assertEquals(
        "a64patch: "
            + text
            + ": e_ident[EI_MAG0..3] at offset 0x0: not an ELF file: starts with 6e 6f 74 20,"
            + " expected 7f 45 4c 46",
        bad.err().strip());
    assertEquals("not elf", Files.readString(text));
    CliRunner.Run strategy = CliRunner.run("patch", "--strategy", "fast", text.toString());
    assertEquals(ExitCode.USAGE.code(), strategy.exitCode());
    assertTrue(
        strategy.err().contains("'fast' is not one of counter, clock, zero, nop"), strategy.err());
    CliRunner.Run restore = CliRunner.run("restore", TestData.bin("counters-gcc-pie").toString());
    assertEquals(ExitCode.REFUSED.code(), restore.exitCode());
    assertTrue(restore.err().contains("not patched by a64patch"), restore.err());
  }

  @Test
  void patchVerifyAndRestoreWriteOneJsonEnvelope() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Path missing = dir.resolve("missing.so");
    Map<String, JsonNode> docs = new java.util.LinkedHashMap<>();
    for (String command : new String[] {"patch", "verify", "restore"}) {
      CliRunner.Run r =
          CliRunner.run(command, "--format", "json", file.toString(), missing.toString());
      assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), command + ": " + r.err());
      docs.put(command, JSON.readTree(r.out()));
    }
    for (var e : docs.entrySet()) {
      JsonNode d = e.getValue();
      java.util.List<String> fields = new java.util.ArrayList<>();
      d.fieldNames().forEachRemaining(fields::add);
      assertEquals(
          java.util.List.of("tool", "version", "schema", "command", "files", "problems"),
          fields,
          e.getKey());
      assertEquals(e.getKey(), d.get("command").asText());
      assertEquals(file.toString(), d.get("files").get(0).get("path").asText(), e.getKey());
      JsonNode problem = d.get("problems").get(0);
      assertEquals(missing.toString(), problem.get("path").asText(), e.getKey());
      assertEquals("unreadable", problem.get("kind").asText(), e.getKey());
    }
    assertEquals("patched", docs.get("patch").get("files").get(0).get("result").asText());
    assertTrue(docs.get("verify").get("files").get(0).get("ok").asBoolean());
    assertEquals("restored", docs.get("restore").get("files").get(0).get("result").asText());
  }

  @Test
  void reportFormatsAreForScanOnly() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    byte[] original = Files.readAllBytes(file);
    for (String command : new String[] {"patch", "verify", "restore"}) {
      CliRunner.Run r = CliRunner.run(command, "--format", "sarif", file.toString());
      assertEquals(ExitCode.USAGE.code(), r.exitCode(), command + ": " + r.err());
      assertTrue(r.err().contains("--format sarif is written by scan only"), r.err());
    }
    assertArrayEquals(original, Files.readAllBytes(file), "nothing written");
  }

  @Test
  void verifyFailsOnAnUnpatchedFileWithReads() {
    CliRunner.Run v =
        CliRunner.run("verify", "--format", "json", TestData.bin("counters-gcc-pie").toString());
    assertEquals(ExitCode.VERIFY_FAILED.code(), v.exitCode());
    assertTrue(v.out().contains("unpatched CNTVCT_EL0 read"), v.out());
  }
}
