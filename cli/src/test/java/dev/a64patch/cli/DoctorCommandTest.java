package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.ClosureRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
  @TempDir Path tmp;

  @Test
  void hostChecksAsJson() throws IOException {
    CliRunner.Run r = CliRunner.run("doctor", "--format", "json");
    assertEquals(0, r.exitCode(), r.err());
    List<String> topics = new ArrayList<>();
    new ObjectMapper()
        .readTree(r.out())
        .get("checks")
        .forEach(c -> topics.add(c.get("topic").asText()));
    assertEquals(List.of("kernel", "LSE atomics", "rr", "perf_event_paranoid"), topics);
    String paranoid = Files.readString(Path.of("/proc/sys/kernel/perf_event_paranoid")).trim();
    assertTrue(
        r.out().contains("\"message\" : \"" + paranoid + ":")
            || r.out().contains("\"message\" : \"" + paranoid + " ("),
        r.out());
  }

  @Test
  void programWithAMissingLibraryExits7() throws IOException {
    Path root = ClosureRoot.build(tmp);
    CliRunner.Run r =
        CliRunner.run(
            "doctor",
            "--root",
            root.toString(),
            "--format",
            "json",
            root.resolve("opt/app/bin/missing-prog").toString());
    assertEquals(ExitCode.MISSING_LIBRARY.code(), r.exitCode(), r.err());
    JsonNode closure = null;
    for (JsonNode c : new ObjectMapper().readTree(r.out()).get("checks")) {
      if (c.get("topic").asText().equals("closure")) {
        closure = c;
      }
    }
    assertEquals("fail", closure.get("status").asText());
    assertTrue(
        closure.get("message").asText().endsWith("missing: libnothere.so"), closure.toString());
  }

  @Test
  void alsoDirectoryPassesOverOtherMachines() throws IOException {
    Path root = ClosureRoot.build(tmp);
    Path plugins = root.resolve("opt/app/plugins");
    Files.copy(dev.a64patch.testing.TestData.bin("hello-x86_64"), plugins.resolve("libx86.so"));
    CliRunner.Run r =
        CliRunner.run(
            "prepare",
            "--root",
            root.toString(),
            "-o",
            tmp.resolve("out").toString(),
            "--also",
            plugins.toString(),
            root.resolve("opt/app/bin/plugin-host").toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertTrue(r.out().contains("libplugin.so"), r.out());
    assertTrue(!r.out().contains("libx86.so"), r.out());
  }
}
