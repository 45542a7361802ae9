package dev.a64patch.core.closure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a path the loader opens is found on this machine. Without a root, a path is itself. With
 * {@code --root DIR} the rule is qemu-user's {@code -L DIR}: a path is looked up under DIR first,
 * and when DIR has no such file, on the host as written. So an unpacked image or a cross sysroot
 * resolves exactly as the program will when run with {@code qemu-aarch64 -L DIR}, including paths
 * that only exist on the host (the output directory, a program given by its host path).
 */
public record Sysroot(Path dir) {
  public static final Sysroot NONE = new Sysroot(null);

  public Sysroot {
    dir = dir == null ? null : dir.toAbsolutePath().normalize();
  }

  public boolean isSet() {
    return dir != null;
  }

  /** The host file for the loader's {@code path}, if one exists. */
  public Optional<Path> find(String path) {
    if (path.isEmpty()) {
      return Optional.empty();
    }
    if (dir != null && path.startsWith("/")) {
      Path inRoot = Path.of(dir + path);
      if (Files.exists(inRoot)) {
        return Optional.of(inRoot);
      }
    }
    Path p = Path.of(path);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /** The file for {@code path} inside the root only (no fallback to the host). */
  public Optional<Path> findInRoot(String path) {
    if (dir == null || !path.startsWith("/")) {
      return Optional.empty();
    }
    Path p = Path.of(dir + path);
    return Files.exists(p) ? Optional.of(p) : Optional.empty();
  }

  /** The host path for the loader's {@code path}, whether or not it exists (for messages). */
  public Path host(String path) {
    return find(path)
        .orElse(dir != null && path.startsWith("/") ? Path.of(dir + path) : Path.of(path));
  }
}
