package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.BigBss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * patch names its layout decision for an executable with a large .bss: without --verbose when the
 * padding is large, and in JSON; the padding it reports is the growth of the file's apparent size.
 */
class LargeBssOutputTest {
  @TempDir static Path dir;
  static BigBss.Files3 fixtures;

  @BeforeAll
  static void build() throws Exception {
    fixtures = BigBss.build(dir);
  }

  @Test
  void paddingIsReportedAndIsWhatTheFileGrewBy() throws Exception {
    Path out = dir.resolve("patched");
    CliRunner.Run r =
        CliRunner.run(
            "patch", "--out-of-range", "zero", "-o", out.toString(), fixtures.pie().toString());
    assertEquals(0, r.exitCode(), r.err());
    Matcher m =
        Pattern.compile("layout bss-end: (\\d+) bytes of padding, a hole in the file")
            .matcher(r.out());
    assertTrue(m.find(), r.out());
    long padding = Long.parseLong(m.group(1));
    assertTrue(padding >= BigBss.MIN_BSS, r.out());
    assertTrue(Files.size(out) > Files.size(fixtures.pie()) + padding, "apparent size");

    CliRunner.Run j =
        CliRunner.run(
            "patch",
            "--dry-run",
            "--format",
            "json",
            "--out-of-range",
            "zero",
            fixtures.pie().toString(),
            fixtures.library().toString());
    assertEquals(0, j.exitCode(), j.err());
    JsonNode files = new ObjectMapper().readTree(j.out()).get("files");
    assertEquals("bss-end", files.get(0).get("layout").asText(), files.toString());
    assertEquals(padding, files.get(0).get("padding").asLong());
    assertEquals("binary-end", files.get(1).get("layout").asText(), files.toString());
  }
}
