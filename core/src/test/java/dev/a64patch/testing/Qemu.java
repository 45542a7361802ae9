package dev.a64patch.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs AArch64 programs on this x86-64 machine with qemu-user against Debian's arm64 sysroot
 * (libc6-arm64-cross), which is how every patched binary is proven to load and run.
 */
public final class Qemu {
  public static final String SYSROOT = "/usr/aarch64-linux-gnu";

  private Qemu() {}

  public static Tools.Result run(Path program, List<String> args, Map<String, String> env) {
    Path qemu = Tools.require("qemu-aarch64");
    Tools.assumeAvailable(
        java.nio.file.Files.isDirectory(Path.of(SYSROOT, "lib")),
        "no AArch64 sysroot at " + SYSROOT + " (install libc6-arm64-cross)");
    List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-L", SYSROOT));
    for (Map.Entry<String, String> e : env.entrySet()) {
      cmd.add("-E");
      cmd.add(e.getKey() + "=" + e.getValue());
    }
    cmd.add(program.toString());
    cmd.addAll(args);
    return Tools.run(cmd, Duration.ofSeconds(60), Map.of(), null);
  }

  public static Tools.Result run(Path program, String... args) {
    return run(program, List.of(args), Map.of());
  }

  /**
   * Runs a manifest binary (at {@code path}, e.g. a patched copy) with its MANIFEST args and env.
   */
  public static Tools.Result run(TestData.Binary b, Path path) {
    Map<String, String> env = new HashMap<>();
    for (String e : b.note("env")) {
      int eq = e.indexOf('=');
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    return run(path, b.args(), env);
  }

  /**
   * Output with counter-derived values masked: {@code T <label> <value>} lines (testdata's
   * convention), and sleep100's {@code F}, {@code D}, {@code MS} and rndr's {@code R} lines.
   */
  public static String masked(String output) {
    return output
        .replaceAll("(?m)^T (\\S+) \\d+$", "T $1 <value>")
        .replaceAll("(?m)^(F|D|MS|R|RS) -?\\d+$", "$1 <value>");
  }

  /** The values of the {@code T} lines, in order. */
  public static List<java.math.BigInteger> values(String output) {
    List<java.math.BigInteger> out = new ArrayList<>();
    for (String line : output.split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 3 && f[0].equals("T")) {
        out.add(new java.math.BigInteger(f[2]));
      }
    }
    return out;
  }
}
