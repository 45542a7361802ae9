package dev.a64patch.core.closure;

import dev.a64patch.core.patch.PatchOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code prepare}.
 *
 * @param program the executable, as a path on this machine
 * @param root the root directory (qemu's {@code -L}), or null
 * @param libraryPath the LD_LIBRARY_PATH directories the program runs with, or null to take {@code
 *     environmentLibraryPath}
 * @param environmentLibraryPath LD_LIBRARY_PATH of the caller's environment, or null
 * @param also objects (files, or directories searched recursively) the program opens with dlopen
 * @param output the output directory, or null for the per-user cache
 * @param cacheHome the per-user cache directory under which default output directories are made
 * @param options how each object is patched
 * @param runtime files a64patch provides (a runtime library the patched objects share): written
 *     into the output directory and preloaded before everything else, in order
 */
public record PrepareRequest(
    Path program,
    Path root,
    List<String> libraryPath,
    String environmentLibraryPath,
    List<Path> also,
    Path output,
    Path cacheHome,
    PatchOptions options,
    List<RuntimeFile> runtime) {

  public PrepareRequest {
    libraryPath = libraryPath == null ? null : List.copyOf(libraryPath);
    also = List.copyOf(also);
    runtime = List.copyOf(runtime);
  }

  /** The same request with one more runtime file (see {@link RuntimeFile}). */
  public PrepareRequest withRuntime(RuntimeFile file) {
    List<RuntimeFile> r = new java.util.ArrayList<>(runtime);
    r.add(file);
    return new PrepareRequest(
        program, root, libraryPath, environmentLibraryPath, also, output, cacheHome, options, r);
  }

  /** The LD_LIBRARY_PATH the original program runs with: the option, else the environment. */
  public List<String> effectiveLibraryPath() {
    return libraryPath != null
        ? libraryPath
        : LoaderConfig.splitLibraryPath(environmentLibraryPath);
  }

  /** The default per-user cache directory: $XDG_CACHE_HOME/a64patch, else ~/.cache/a64patch. */
  public static Path defaultCacheHome() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("a64patch");
  }
}
