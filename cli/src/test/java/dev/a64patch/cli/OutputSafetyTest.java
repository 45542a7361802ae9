package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues: {@code patch -o out/ a/lib.so b/lib.so} wrote b over a and reported both done; {@code -o}
 * onto a dangling symbolic link replaced the link.
 */
class OutputSafetyTest {
  @TempDir Path dir;

  @Test
  void collidingOutputNamesAreAUsageErrorBeforeAnythingIsWritten() throws Exception {
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.copy(TestData.bin("libcounters.so"), a.resolve("lib.so"));
    Files.copy(TestData.bin("libcounters-clang.so"), b.resolve("lib.so"));
    CliRunner.Run r =
        CliRunner.run(
            "patch",
            "-o",
            out + "/",
            a.resolve("lib.so").toString(),
            b.resolve("lib.so").toString());
    assertEquals(ExitCode.USAGE.code(), r.exitCode(), r.err());
    assertTrue(r.err().contains("would both be written to"), r.err());
    try (var s = Files.list(out)) {
      assertEquals(0, s.count(), "nothing may be written");
    }
  }

  @Test
  void outputOntoADanglingSymlinkIsRefusedAndTheLinkKept() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("out.so"), dir.resolve("missing/target.so"));
    CliRunner.Run r =
        CliRunner.run("patch", "-o", link.toString(), TestData.bin("libcounters.so").toString());
    assertEquals(ExitCode.UNREADABLE.code(), r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("dangling symbolic link"), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
  }
}
