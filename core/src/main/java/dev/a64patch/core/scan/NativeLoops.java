package dev.a64patch.core.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The word loop and the evidence pass's first loop in C (src/main/c/scanloops.c), compiled for the
 * build host by {@code mvn package} when it has a C compiler: under C1 each word costs about four
 * times as much in Java (docs/performance.md, "Sixth round"). Both are pre-filters over chunks of
 * words already copied out of the file; the callers test every word they return again. Where the
 * library is missing or does not load, {@link #available()} is false and the Java loops run, with
 * the same results.
 *
 * <p>Where the library comes from, first match: the system property {@value #PROPERTY} naming the
 * file (the launcher points it at the build's copy), or {@code java} for the Java loops; else the
 * copy in the jar for this platform, written to a temporary file that is deleted once loaded.
 */
final class NativeLoops {
  /** The system property that names the library file, or says {@code java}. */
  static final String PROPERTY = "a64patch.scanloops";

  private static final boolean LOADED = load();

  private NativeLoops() {}

  /** True when the C loops are loaded and used. */
  static boolean available() {
    return LOADED;
  }

  /** The resource name of this platform's library in the jar. */
  static String resource() {
    return "native/linux-" + System.getProperty("os.arch") + "/libscanloops.so";
  }

  private static boolean load() {
    String named = System.getProperty(PROPERTY);
    if ("java".equals(named)) {
      return false;
    }
    try {
      if (named != null && Files.isRegularFile(Path.of(named))) {
        try {
          System.load(Path.of(named).toAbsolutePath().toString());
          return true;
        } catch (UnsatisfiedLinkError e) {
          // Built for another machine (a checkout shared between hosts): the jar's copy, if any.
        }
      }
      return loadFromJar();
    } catch (IOException | LinkageError | SecurityException e) {
      return false; // the Java loops then, which give the same results
    }
  }

  private static boolean loadFromJar() throws IOException {
    try (InputStream in = NativeLoops.class.getResourceAsStream(resource())) {
      if (in == null || !"Linux".equals(System.getProperty("os.name"))) {
        return false;
      }
      Path tmp = Files.createTempFile("a64patch-scanloops", ".so");
      try {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        System.load(tmp.toString());
      } finally {
        Files.deleteIfExists(tmp); // the mapping stays; nothing is left behind
      }
      return true;
    }
  }

  /**
   * The indices (0 to 2n - 1) of the words of {@code n} pairs whose top half-word is 0xD53B and
   * whose bits 5..15 are {@code wanted}, into {@code out} (at least 2n long); their number, or -1
   * when the arrays could not be pinned.
   */
  static native int find(long[] pairs, int n, boolean[] wanted, int[] out);

  /**
   * The indices of the words of {@code n} pairs (word 0 at address {@code pc}) whose kind by top
   * byte is not 0 in {@code kinds} and that pass the evidence pass's page pre-test on {@code
   * targetPages} (B, BL targets; ADR, ADRP addresses) or {@code sourcePages} (the other kinds' own
   * addresses); a null bitmap passes every page. The other kinds' targets must also lie on a page
   * of {@code targetPages} or outside all its pages. Their number, or -1.
   */
  static native int pick(
      long[] pairs,
      int n,
      long pc,
      byte[] kinds,
      long[] targetPages,
      long[] sourcePages,
      long pageBase,
      long pageCount,
      int[] out);
}
