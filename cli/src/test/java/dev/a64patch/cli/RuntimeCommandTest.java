package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code a64patch runtime}: the shared-clock library for objects patched in place and run without
 * prepare. Checked with readelf, and by glibc's own loader binding every patched object to it.
 */
class RuntimeCommandTest {
  static final String SONAME = "liba64patch-clock.so";
  static final String SYMBOL = "__a64patch_clock_v1";

  @TempDir Path dir;

  @Test
  void writesTheLibraryAndPrintsItsPath() throws Exception {
    CliRunner.Run r = CliRunner.run("runtime", "-o", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    Path lib = dir.resolve(SONAME);
    assertEquals(lib.toAbsolutePath().toString(), r.out().strip());
    String dynamic = readelf(lib, "-dW");
    assertTrue(dynamic.contains("Library soname: [" + SONAME + "]"), dynamic);
    String symbols = readelf(lib, "--dyn-syms", "-W");
    assertTrue(
        symbols
            .lines()
            .anyMatch(
                l ->
                    l.contains(SYMBOL)
                        && l.contains("OBJECT")
                        && l.contains("GLOBAL")
                        && !l.contains(" UND ")),
        "the clock is defined: " + symbols);
    try (var s = Files.list(dir)) {
      assertEquals(List.of(lib), s.toList(), "no temporary file left");
    }
  }

  @Test
  void jsonNamesTheFileAndTheSymbol() throws Exception {
    CliRunner.Run r = CliRunner.run("runtime", "--format", "json", "-o", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("runtime", j.path("command").asText());
    assertEquals(dir.resolve(SONAME).toAbsolutePath().toString(), j.path("file").asText());
    assertEquals(SYMBOL, j.path("symbol").asText());
  }

  @Test
  void aMissingDirectoryIsOneLineAndExit4() {
    Path missing = dir.resolve("no/such/dir");
    CliRunner.Run r = CliRunner.run("runtime", "-o", missing.toString());
    assertEquals(4, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(missing.toString()), r.err());
  }

  /** Patched in place one by one, then run with the library preloaded: one clock binds all. */
  @Test
  void objectsPatchedInPlaceBindToTheWrittenLibraryUnderQemu() throws Exception {
    List<String> objects = List.of("clockshare", "libclockshare_a.so", "libclockshare_b.so");
    for (String name : objects) {
      Path copy = Files.copy(TestData.bin(name), dir.resolve(name));
      CliRunner.Run p = CliRunner.run("patch", copy.toString());
      assertEquals(0, p.exitCode(), p.err());
    }
    CliRunner.Run r = CliRunner.run("runtime", "-o", dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    Tools.Result run =
        Qemu.run(
            dir.resolve("clockshare"),
            List.of(dir.resolve("libclockshare_b.so").toString()),
            Map.of("LD_PRELOAD", r.out().strip(), "LD_DEBUG", "bindings"));
    assertEquals(0, run.exitCode(), run.describe());
    for (String name : objects) {
      assertTrue(
          run.stderr()
              .lines()
              .anyMatch(
                  l ->
                      l.contains(name + " [0] to ")
                          && l.contains(SONAME)
                          && l.contains("`" + SYMBOL + "'")),
          name + " is not bound to the runtime library:\n" + run.stderr());
    }
    assertTrue(run.stdout().contains("unique yes"), "one clock, no value twice:\n" + run.stdout());
  }

  private static String readelf(Path lib, String... options) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Tools.require("aarch64-linux-gnu-readelf").toString());
    cmd.addAll(List.of(options));
    cmd.add(lib.toString());
    return Tools.run(cmd, Duration.ofSeconds(30)).stdout();
  }
}
