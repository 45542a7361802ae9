package dev.a64patch.core.closure;

import java.util.List;

/**
 * The loader's settings for one resolution.
 *
 * @param root where paths are looked up ({@link Sysroot#NONE}: this machine)
 * @param libraryPath the LD_LIBRARY_PATH directories, in order (ignored when {@code secure})
 * @param preload the LD_PRELOAD entries, in order (names or paths)
 * @param secure secure-execution mode (a setuid or setgid program): LD_LIBRARY_PATH is ignored and
 *     so are preloads given by a path with a slash
 * @param platform what {@code $PLATFORM} expands to
 * @param lib what {@code $LIB} expands to
 */
public record LoaderConfig(
    Sysroot root,
    List<String> libraryPath,
    List<String> preload,
    boolean secure,
    String platform,
    String lib) {

  /** glibc's built-in search directories on Debian arm64 (multiarch first), in order. */
  public static final List<String> DEFAULT_DIRS =
      List.of("/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib");

  /** {@code $PLATFORM} on aarch64 (AT_PLATFORM). */
  public static final String PLATFORM = "aarch64";

  /** {@code $LIB} of Debian's arm64 glibc (its slibdir, relative to /). */
  public static final String LIB = "lib/aarch64-linux-gnu";

  public LoaderConfig {
    libraryPath = List.copyOf(libraryPath);
    preload = List.copyOf(preload);
  }

  public static LoaderConfig of(Sysroot root, List<String> libraryPath) {
    return new LoaderConfig(root, libraryPath, List.of(), false, PLATFORM, LIB);
  }

  public LoaderConfig with(List<String> libraryPath, List<String> preload, boolean secure) {
    return new LoaderConfig(root, libraryPath, preload, secure, platform, lib);
  }

  /**
   * Splits an LD_LIBRARY_PATH value as glibc does: on colons and semicolons; an empty element means
   * the current directory.
   */
  public static List<String> splitLibraryPath(String value) {
    if (value == null || value.isEmpty()) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (String s : value.split("[:;]", -1)) {
      out.add(s.isEmpty() ? "." : s);
    }
    return out;
  }

  /** Splits an LD_PRELOAD value: entries separated by spaces or colons. */
  public static List<String> splitPreload(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(value.split("[ :]+")).filter(s -> !s.isEmpty()).toList();
  }
}
