package dev.a64patch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** External programs used as oracles (binutils, qemu) and a small process runner. */
public final class Tools {
  private Tools() {}

  public record Result(int exitCode, String stdout, String stderr) {
    public String describe() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  public static Optional<Path> which(String program) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Skips the calling test (visibly) when {@code program} is not installed; fails it under {@code
   * CI=true}.
   */
  public static Path require(String program) {
    Optional<Path> p = which(program);
    assumeAvailable(p.isPresent(), program + " is not installed (CI installs it; see .ci/run)");
    return p.get();
  }

  /** True under {@code CI=true}, where every tool and corpus file the tests use must be present. */
  public static boolean isCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * Outside CI, skips the calling test with {@code reason} when something it needs is missing.
   * Under {@code CI=true} that is a failure instead: .ci/run installs everything, so a missing tool
   * means a missing install step, which must never hide behind a skip.
   */
  public static void assumeAvailable(boolean available, String reason) {
    if (available) {
      return;
    }
    if (isCi()) {
      throw new AssertionError("CI=true, but " + reason);
    }
    assumeTrue(false, reason);
  }

  /**
   * Runs a build or inspection tool that must succeed (an assembler, a linker, readelf): fails the
   * test with the command and its output otherwise.
   */
  public static Result runOk(String... command) {
    Result r = run(List.of(command), Duration.ofMinutes(2));
    org.junit.jupiter.api.Assertions.assertEquals(0, r.exitCode(), r.describe());
    return r;
  }

  public static Result run(List<String> command, Duration timeout) {
    return run(command, timeout, Map.of(), null);
  }

  public static Result run(
      List<String> command, Duration timeout, Map<String, String> env, byte[] stdin) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command);
      pb.environment().putAll(env);
      Process p = pb.start();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      try (var in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out after " + timeout + ": " + String.join(" ", command));
      }
      return new Result(
          p.exitValue(),
          new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in;
              ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
