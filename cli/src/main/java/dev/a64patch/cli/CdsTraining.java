package dev.a64patch.cli;

import dev.a64patch.core.demangle.CxxFilt;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run for the class-data sharing archive that {@code mvn package} writes next to the
 * jar ({@code cli/target/a64patch.jsa}, used by the launcher). The JVM archives the classes that
 * one run loads, so this runs the common commands once each, in one JVM, on a test program: scan
 * (text and JSON), patch (plan and write), verify, restore and prepare (twice). Output is
 * discarded. Not a user command: see docs/performance.md, "Start-up".
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException {
    Path program = Path.of(args[0]);
    Path work = Files.createTempDirectory("a64patch-cds");
    Preload.begin(new String[] {"scan"}); // its classes too, as Main starts it
    CxxFilt.shared().demangle("_Z1fv"); // the test program is C: no name of it is demangled
    try {
      Path patched = work.resolve("patched");
      Path restored = work.resolve("restored");
      List<List<String>> runs =
          List.of(
              List.of("--help"),
              List.of("scan", program.toString()),
              List.of("scan", "--format", "json", "--context", "2", program.toString()),
              List.of("patch", "--dry-run", "--format", "json", program.toString()),
              List.of("patch", "-o", patched.toString(), program.toString()),
              List.of("verify", patched.toString()),
              List.of("restore", "-o", restored.toString(), patched.toString()),
              // prepare twice: the first writes, the second is the cached path users repeat
              List.of("prepare", "-o", work.resolve("prep").toString(), program.toString()),
              List.of("prepare", "-o", work.resolve("prep").toString(), program.toString()));
      for (List<String> run : runs) {
        String[] argv = run.toArray(String[]::new);
        var cl = Cli.commandLine(argv);
        cl.setOut(new PrintWriter(Writer.nullWriter()));
        cl.setErr(new PrintWriter(Writer.nullWriter()));
        cl.execute(argv);
      }
    } finally {
      CxxFilt.closeShared();
      try (Stream<Path> files = Files.walk(work)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
