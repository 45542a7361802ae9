package dev.a64patch.core.demangle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * GNU c++filt as an independent oracle: one process demangles a whole batch of names.
 *
 * <p>c++filt reading stdin demangles each maximal run of {@code [A-Za-z0-9_.$]} separately, so
 * names with other characters (UTF-8 identifiers) are passed as command-line arguments instead,
 * where the whole argument is one name. Either way c++filt prints a name it cannot demangle
 * unchanged.
 */
final class CxxFiltOracle {

  private static final Pattern STDIN_SAFE = Pattern.compile("[A-Za-z0-9_.$]+");

  private final String executable;

  private CxxFiltOracle(String executable) {
    this.executable = executable;
  }

  /** The c++filt on PATH (the host's, else the AArch64 cross binutils' one), if any. */
  static Optional<CxxFiltOracle> find() {
    for (String name : List.of("c++filt", "aarch64-linux-gnu-c++filt")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(new CxxFiltOracle(candidate.toString()));
        }
      }
    }
    return Optional.empty();
  }

  String executable() {
    return executable;
  }

  String version() throws IOException {
    return run(List.of(executable, "--version"), List.of()).get(0);
  }

  /** c++filt's output for each name, in order. */
  List<String> demangleAll(List<String> names) throws IOException {
    List<String> viaStdin = new ArrayList<>();
    List<String> viaArgs = new ArrayList<>();
    for (String n : names) {
      (STDIN_SAFE.matcher(n).matches() ? viaStdin : viaArgs).add(n);
    }
    List<String> stdinOut = viaStdin.isEmpty() ? List.of() : run(List.of(executable), viaStdin);
    List<String> argsOut = List.of();
    if (!viaArgs.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of(executable, "--"));
      cmd.addAll(viaArgs);
      argsOut = run(cmd, List.of());
    }
    if (stdinOut.size() != viaStdin.size() || argsOut.size() != viaArgs.size()) {
      throw new IOException(
          "c++filt returned "
              + (stdinOut.size() + argsOut.size())
              + " lines for "
              + names.size()
              + " names");
    }
    List<String> out = new ArrayList<>(names.size());
    int s = 0;
    int a = 0;
    for (String n : names) {
      out.add(STDIN_SAFE.matcher(n).matches() ? stdinOut.get(s++) : argsOut.get(a++));
    }
    return out;
  }

  private static List<String> run(List<String> command, List<String> input) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    // Feed stdin from another thread: c++filt's output would otherwise fill the pipe while
    // we are still writing, and both sides would block.
    Thread writer =
        new Thread(
            () -> {
              try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                for (String line : input) {
                  w.write(line);
                  w.write('\n');
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "c++filt-stdin");
    writer.setDaemon(true);
    writer.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        lines.add(line);
      }
    }
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("c++filt did not finish");
      }
      writer.join(10_000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return lines;
  }
}
