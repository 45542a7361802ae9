package dev.a64patch.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.a64patch.core.closure.PrepareRequest;
import dev.a64patch.core.patch.PatchOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A root directory for closure tests: testdata/bin/closure (an installed tree under /opt) plus the
 * AArch64 sysroot's /lib (a symbolic link to libc6-arm64-cross's files), so that {@code
 * qemu-aarch64 -L ROOT} runs the fixtures, and glibc's own loader is the oracle.
 */
public final class ClosureRoot {
  private ClosureRoot() {}

  /** Builds the root under {@code dir}; skips (or fails under CI) without the sysroot. */
  public static Path build(Path dir) throws IOException {
    Path sysroot = Path.of(Qemu.SYSROOT, "lib");
    assumeTrue(
        Files.isDirectory(sysroot),
        "no AArch64 sysroot at " + Qemu.SYSROOT + " (install libc6-arm64-cross)");
    Path root = Files.createDirectories(dir.resolve("root"));
    copyTree(TestData.root().resolve("bin/closure"), root);
    Files.createSymbolicLink(root.resolve("lib"), sysroot);
    return root;
  }

  /**
   * A plain prepare of {@code program} (a path under {@code root}) into {@code out}: no library
   * path, nothing opened with dlopen, the default options, the per-user cache beside the root.
   */
  public static PrepareRequest request(Path root, String program, Path out) {
    return new PrepareRequest(
        root.resolve(program),
        root,
        List.of(),
        null,
        List.of(),
        out,
        root.resolveSibling("cache"),
        PatchOptions.defaults(),
        List.of());
  }

  /** Copies a tree, keeping modes (the fixtures are executable). */
  public static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * One line of glibc's trace: {@code name => path}, {@code name => not found}, or the interpreter.
   */
  public record Traced(String name, String path) {}

  /**
   * What glibc's loader itself loads ({@code LD_TRACE_LOADED_OBJECTS=1}, the mechanism behind ldd),
   * run under qemu with {@code -L root}.
   */
  public static List<Traced> trace(Path root, Path program, Map<String, String> env) {
    Path qemu = Tools.require("qemu-aarch64");
    List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-L", root.toString()));
    cmd.add("-E");
    cmd.add("LD_TRACE_LOADED_OBJECTS=1");
    env.forEach(
        (k, v) -> {
          cmd.add("-E");
          cmd.add(k + "=" + v);
        });
    cmd.add(program.toString());
    Tools.Result r = Tools.run(cmd, Duration.ofSeconds(60));
    List<Traced> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      String t = line.trim();
      if (t.isEmpty()) {
        continue;
      }
      int arrow = t.indexOf(" => ");
      if (arrow < 0) {
        out.add(new Traced(null, t.replaceFirst(" \\(0x[0-9a-f]+\\)$", "")));
      } else {
        String rest = t.substring(arrow + 4).replaceFirst(" \\(0x[0-9a-f]+\\)$", "");
        out.add(new Traced(t.substring(0, arrow), rest.equals("not found") ? null : rest));
      }
    }
    return out;
  }
}
