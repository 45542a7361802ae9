package dev.a64patch.cli;

import dev.a64patch.core.demangle.CxxFilt;
import dev.a64patch.core.disasm.InstructionDecoder;
import dev.a64patch.core.patch.OpenAhead;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Loads Capstone and starts c++filt on a second thread while picocli builds its model and parses
 * the arguments, for the commands that will need them: both take about 25 ms of a run that is
 * otherwise single-threaded until the scan begins (docs/performance.md, "Fourth round"). For patch,
 * also opens the file it will read and begins its digest ({@link OpenAhead}).
 */
final class Preload {
  /** The subcommands that decode instructions and name symbols. */
  private static final Set<String> SCANNING =
      Set.of("scan", "patch", "verify", "prepare", "run", "record");

  private Preload() {}

  /**
   * Starts the thread when {@code args} name a command that scans, or begin with a file to patch
   * ({@code a64patch FILE}); not for options such as {@code --version}, nor for the other
   * subcommands.
   */
  static void begin(String[] args) {
    if (!scans(args)) {
      return;
    }
    toPatch(args).ifPresent(OpenAhead::start);
    Thread t =
        new Thread(
            () -> {
              try {
                InstructionDecoder.load();
                CxxFilt.startShared();
              } catch (RuntimeException | LinkageError e) {
                // Not a stack trace on stderr: the command meets the same failure when it
                // loads these itself, and reports it there.
              }
            },
            "a64patch-preload");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The file {@code a64patch patch ... FILE} will read first, guessed before picocli parses the
   * arguments: the last one, when it is an existing regular file and no {@code -o} value, in a run
   * that writes ({@link OpenAhead}). With several files, the last is patched last: it waits, open,
   * until then. A wrong guess costs time on the other core, nothing else.
   */
  static Optional<Path> toPatch(String[] args) {
    if (args.length < 2 || !args[0].equals("patch") || Arrays.asList(args).contains("--dry-run")) {
      return Optional.empty();
    }
    String last = args[args.length - 1];
    String before = args[args.length - 2];
    if (last.startsWith("-") || before.equals("-o") || before.equals("--output")) {
      return Optional.empty();
    }
    try {
      Path file = Path.of(last);
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  static boolean scans(String[] args) {
    if (args.length == 0) {
      return false;
    }
    String first = args[0];
    return SCANNING.contains(first) || !(first.startsWith("-") || Cli.isSubcommand(first));
  }
}
