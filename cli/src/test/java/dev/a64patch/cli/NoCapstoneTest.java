package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the Capstone native library cannot load, scanning must still work and say so once. A
 * separate JVM, because Capstone is probed once per process.
 */
class NoCapstoneTest {
  @Test
  void scanWithoutCapstoneFindsTheSameReadsAndWarnsOnce() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String file = TestData.bin("counters-gcc-pie").toString();
    List<String> base = List.of(java.toString(), "-cp", System.getProperty("java.class.path"));
    Tools.Result with =
        Tools.run(
            concat(base, List.of(Main.class.getName(), "scan", "--format", "csv", file)),
            Duration.ofMinutes(1));
    Tools.Result without =
        Tools.run(
            concat(
                base,
                List.of(
                    "-Da64patch.capstone=off",
                    Main.class.getName(),
                    "scan",
                    "--format",
                    "csv",
                    "--context",
                    "2",
                    file,
                    TestData.bin("libcounters.so").toString())),
            Duration.ofMinutes(1));
    assertEquals(0, without.exitCode(), without.describe());
    assertEquals(
        1,
        without.stderr().lines().filter(l -> l.contains("Capstone disabled")).count(),
        without.stderr());
    // The same reads: only the neighbourhood check (and its uncertainty) needs Capstone.
    List<String> expected = addresses(with.stdout(), file);
    assertTrue(expected.size() > 40, with.describe());
    assertEquals(expected, addresses(without.stdout(), file));
  }

  /** The address column (4th) of the CSV rows of {@code file}. */
  private static List<String> addresses(String csv, String file) {
    return csv.lines().filter(l -> l.startsWith(file + ",")).map(l -> l.split(",")[3]).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
