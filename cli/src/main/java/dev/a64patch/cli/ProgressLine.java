package dev.a64patch.cli;

import dev.a64patch.core.batch.BatchProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One {@code \r}-rewritten line on stderr: files done of total and the file just finished. It stays
 * silent for the first second (short runs print nothing) and redraws at most ten times a second;
 * {@link #finished} wipes it so the report starts on a clean line.
 */
final class ProgressLine implements BatchProgress {
  static final String ENV = "A64PATCH_PROGRESS";
  private static final long DELAY_NANOS = 1_000_000_000L;
  private static final long INTERVAL_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final int width;
  private final LongSupplier clock;
  private final long start;
  private long lastDraw;
  private int drawn; // characters of the line now on screen

  ProgressLine(PrintWriter err, int width, LongSupplier clock) {
    this.err = err;
    this.width = Math.max(40, width);
    this.clock = clock;
    this.start = clock.getAsLong();
    this.lastDraw = start;
  }

  /**
   * The progress line if stderr is a terminal (or {@code A64PATCH_PROGRESS=always}), else silence.
   */
  static BatchProgress forStderr(PrintWriter err) {
    String mode = System.getenv().getOrDefault(ENV, "auto").toLowerCase(Locale.ROOT);
    boolean on =
        switch (mode) {
          case "always" -> true;
          case "never" -> false;
          default -> stderrIsTerminal();
        };
    return on ? new ProgressLine(err, columns(), System::nanoTime) : BatchProgress.NONE;
  }

  /** Java 17 cannot ask about stderr directly; on Linux its fd link names the terminal. */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (Exception e) {
      return false; // not Linux, or no /proc: stay quiet
    }
  }

  private static int columns() {
    try {
      return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "80").trim());
    } catch (NumberFormatException e) {
      return 80;
    }
  }

  @Override
  public synchronized void walking(long files) {
    draw("looking for files: " + files + " found", false);
  }

  @Override
  public synchronized void scanned(String path, int done, int total) {
    draw(String.format("[%d/%d] %3d%% %s", done, total, done * 100L / total, path), done == total);
  }

  @Override
  public synchronized void finished() {
    if (drawn > 0) {
      err.print("\r" + " ".repeat(drawn) + "\r");
      err.flush();
      drawn = 0;
    }
  }

  private void draw(String text, boolean last) {
    long now = clock.getAsLong();
    if (now - start < DELAY_NANOS || (!last && now - lastDraw < INTERVAL_NANOS)) {
      return;
    }
    lastDraw = now;
    // One column stays free: writing the last one makes some terminals wrap, and \r then misses the
    // line.
    String line = text.length() < width ? text : text.substring(0, width - 4) + "...";
    err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    err.flush();
    drawn = line.length();
  }
}
