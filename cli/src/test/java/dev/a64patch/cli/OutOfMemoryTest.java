package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.testing.Assembled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bug: a patch that ran out of Java heap (a library of thousands of reads under a small -Xmx) ended
 * with the JVM's "Exception in thread main java.lang.OutOfMemoryError" and thirty lines of stack
 * trace, exit 1, which --help does not list: picocli hands its exception handler only Exceptions.
 * Now one line, exit 9, and nothing half-written.
 */
class OutOfMemoryTest {
  @TempDir Path dir;

  @Test
  void aPatchThatRunsOutOfHeapPrintsOneLineExitsNineAndLeavesNothing() throws Exception {
    Path lib = manyReads(4000);
    byte[] before = Files.readAllBytes(lib);
    Path outDir = Files.createDirectory(dir.resolve("out"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx12m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "patch",
                "-o",
                outDir.resolve("patched.so").toString(),
                lib.toString())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES));
    String err = Files.readString(dir.resolve("stderr"));
    assertEquals(ExitCode.OUT_OF_MEMORY.code(), p.exitValue(), err);
    List<String> lines = err.lines().toList();
    assertEquals(1, lines.size(), err);
    assertTrue(lines.get(0).startsWith("a64patch: out of memory: "), err);
    assertTrue(lines.get(0).contains("A64PATCH_JAVA_OPTS=-Xmx"), err);
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(List.of(), left.toList(), "nothing half-written in the output folder");
    }
    assertArrayEquals(before, Files.readAllBytes(lib), "the input is unchanged");
  }

  /** A shared library of {@code n} functions that each read CNTVCT_EL0 once. */
  private Path manyReads(int n) throws Exception {
    StringBuilder s = new StringBuilder(".text\n");
    for (int i = 0; i < n; i++) {
      s.append(".globl f").append(i).append("\n.type f").append(i).append(", %function\n");
      s.append("f").append(i).append(":\n  mrs x0, cntvct_el0\n  ret\n");
      s.append(".size f").append(i).append(", . - f").append(i).append("\n");
    }
    return Assembled.sharedLibrary(dir, "libmany.so", s.toString());
  }
}
