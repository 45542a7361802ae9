package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file patch is expected to read, guessed before picocli parses the arguments
 * (Preload.toPatch): the last argument of a writing patch, when it is an existing regular file and
 * not the value of {@code -o}; nothing otherwise.
 */
class PreloadTest {
  @TempDir Path dir;

  @Test
  void theLastArgumentOfAWritingPatchWhenItIsAFile() throws Exception {
    Path in = Files.writeString(dir.resolve("in.so"), "x");
    Path out = Files.writeString(dir.resolve("out.so"), "x"); // an earlier run's output
    String i = in.toString();
    String o = out.toString();
    assertEquals(Optional.of(in), Preload.toPatch(new String[] {"patch", i}));
    assertEquals(Optional.of(in), Preload.toPatch(new String[] {"patch", "-o", o, i}));
    assertEquals(
        Optional.of(in), Preload.toPatch(new String[] {"patch", "--strategy", "clock", "a", i}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", i, "-o", o}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", i, "--output", o}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", "--dry-run", i}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"scan", i}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", dir.toString()}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", i + ".missing"}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", "--help"}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch"}));
    assertEquals(Optional.empty(), Preload.toPatch(new String[] {"patch", "a\0b"}));
  }
}
