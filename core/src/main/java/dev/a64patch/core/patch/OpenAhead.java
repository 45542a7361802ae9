package dev.a64patch.core.patch;

import dev.a64patch.core.io.Meanwhile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file to patch, opened and its digest begun before the command line is parsed: the launcher
 * names the file it expects patch to read while picocli builds its model and parses the arguments
 * on one core, which leaves the other to this (docs/performance.md, "Eighth round"). patch takes
 * the source when it opens that very path. A wrong guess costs the other core's time, never a
 * result: the source is what {@link Source#open} gives, only opened earlier, and its stamp is
 * checked before the rename as any source's.
 */
public final class OpenAhead {
  private static final Map<Path, Meanwhile<Source>> OPENED = new ConcurrentHashMap<>();

  private OpenAhead() {}

  /** Opens {@code file} and begins its digest on a thread of their own. */
  public static void start(Path file) {
    OPENED.computeIfAbsent(file, f -> Meanwhile.start("open-ahead", () -> Source.openDigesting(f)));
  }

  /**
   * The source opened ahead for {@code file}, which no later call gets; empty when none was, or
   * when opening failed: opened again, it fails there, where failures are reported.
   */
  static Optional<Source> take(Path file) {
    Meanwhile<Source> opened = OPENED.remove(file);
    if (opened == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(opened.join());
    } catch (IOException | RuntimeException | Error e) {
      return Optional.empty();
    }
  }
}
