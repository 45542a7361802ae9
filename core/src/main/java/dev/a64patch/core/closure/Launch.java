package dev.a64patch.core.closure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exact process to start for {@code run} and {@code record}: argv and the variables added to
 * the environment. With an exec prefix whose program is qemu-user ({@code qemu-aarch64 -L ROOT}),
 * the variables go to the guest as {@code -E KEY=VALUE} options instead: in qemu's own environment
 * LD_LIBRARY_PATH and LD_PRELOAD would reach the host loader, which would try to load AArch64
 * copies into an x86-64 qemu.
 */
public record Launch(List<String> argv, Map<String, String> env) {
  public Launch {
    argv = List.copyOf(argv);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }

  public static Launch of(
      Preparation p, List<String> prefix, List<String> tool, List<String> args) {
    List<String> argv = new ArrayList<>(prefix);
    Map<String, String> env = new LinkedHashMap<>();
    if (!prefix.isEmpty() && isQemu(prefix.get(0))) {
      p.env()
          .forEach(
              (k, v) -> {
                argv.add("-E");
                argv.add(k + "=" + v);
              });
    } else {
      env.putAll(p.env());
    }
    argv.addAll(tool);
    argv.add(p.program().toString());
    argv.addAll(args);
    return new Launch(argv, env);
  }

  static boolean isQemu(String program) {
    return Path.of(program).getFileName().toString().startsWith("qemu-");
  }

  /** One shell command line: {@code env KEY=VALUE... ARGV...}, each word quoted when needed. */
  public String shell() {
    List<String> words = new ArrayList<>();
    if (!env.isEmpty()) {
      words.add("env");
      env.forEach((k, v) -> words.add(quote(k + "=" + v)));
    }
    argv.forEach(a -> words.add(quote(a)));
    return String.join(" ", words);
  }

  public static String quote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
