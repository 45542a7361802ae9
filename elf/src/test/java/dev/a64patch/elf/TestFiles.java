package dev.a64patch.elf;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates testdata/bin from the elf module's tests (which cannot use core's test-jar). */
final class TestFiles {
  private TestFiles() {}

  static Path testdata(String name) {
    String prop = System.getProperty("a64patch.testdata");
    Path root = prop != null ? Path.of(prop) : Path.of("..", "testdata");
    Path p = root.resolve("bin").resolve(name);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(p + " missing; run testdata/build.sh");
    }
    return p;
  }
}
