package dev.a64patch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** GNU strip, which users run on their binaries before or after patching. */
public final class Strip {
  private Strip() {}

  /** {@code strip --strip-all -o out in}; fails the test unless strip succeeds without a word. */
  public static Path all(Path in, Path out) {
    Tools.Result s =
        Tools.run(
            List.of(
                Tools.require("aarch64-linux-gnu-strip").toString(),
                "--strip-all",
                "-o",
                out.toString(),
                in.toString()),
            Duration.ofSeconds(60));
    assertEquals(0, s.exitCode(), s.describe());
    assertEquals("", s.stderr(), "strip complained");
    return out;
  }
}
