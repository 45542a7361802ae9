package dev.a64patch.cli;

import dev.a64patch.core.demangle.CxxFilt;
import dev.a64patch.core.disasm.InstructionDecoder;
import java.util.Set;

/**
 * Loads Capstone and starts c++filt on a second thread while picocli builds its model and parses
 * the arguments, for the commands that will need them: both take about 25 ms of a run that is
 * otherwise single-threaded until the scan begins (docs/performance.md, "Fourth round").
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

  static boolean scans(String[] args) {
    if (args.length == 0) {
      return false;
    }
    String first = args[0];
    return SCANNING.contains(first) || !(first.startsWith("-") || Cli.isSubcommand(first));
  }
}
