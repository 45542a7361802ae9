package dev.a64patch.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Seeds and shared checks of the fuzz harnesses (docs/reliability.md). Seeds are the small
 * committed binaries: every kind of file the tool meets (PIE, non-PIE, shared, BTI, no section
 * headers, relocatable, big-endian, other machines), each small enough that the fuzzer's mutations
 * land in headers and code alike.
 */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  /** Name under which harnesses parse their input; messages must start with it. */
  public static final String NAME = "fuzz.elf";

  /**
   * A JDK exception's class name ("java.lang.IndexOutOfBoundsException") leaking into a message.
   */
  private static final Pattern JAVA_EXCEPTION =
      Pattern.compile("\\bjava\\.\\w+\\.(\\w+\\.)*\\w*(Exception|Error)");

  public static final List<String> BINARIES =
      List.of(
          "be-counter",
          "hello-arm32",
          "counters_asm.o",
          "libcounters-clang.so",
          "counters-clang-noshdr",
          "counters-clang-bti",
          "counters-clang-nopie",
          "counters-clang-pie",
          "spin-clang-nopie");

  /** The bytes of {@link #BINARIES}, for {@code @MethodSource}. */
  public static Stream<byte[]> binaries() {
    return BINARIES.stream().map(FuzzSeeds::read);
  }

  public static byte[] read(String name) {
    try {
      return Files.readAllBytes(TestData.bin(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The promise for an input the tool does not accept: a documented failure ({@link Failures#kind}
   * is not {@link FailureKind#INTERNAL}) worded as one line naming one of {@code files}. An
   * internal error is rethrown as it is, so the fuzzer reports (and deduplicates) it by its own
   * stack trace.
   */
  public static void assertDocumented(Throwable e, String... files) {
    if (Failures.kind(e) == FailureKind.INTERNAL) {
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError("internal error", e);
    }
    String m = Failures.describe(e);
    assertTrue(
        Arrays.stream(files).anyMatch(f -> m.startsWith(f + ": ")),
        "message names none of " + Arrays.toString(files) + ": " + m);
    assertFalse(m.contains("\n"), "multi-line message: " + m);
    assertFalse(JAVA_EXCEPTION.matcher(m).find(), "message exposes a Java exception: " + m);
  }

  /** A private directory for a harness's files, in memory where the system has one. */
  public static Path scratch() {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "a64patch-fuzz")
              : Files.createTempDirectory("a64patch-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Best effort: a leftover in /dev/shm or /tmp is harmless. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // leave it
    }
  }

  /** The file names in {@code dir}. */
  public static Set<Path> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(Path::getFileName).collect(Collectors.toSet());
    }
  }
}
