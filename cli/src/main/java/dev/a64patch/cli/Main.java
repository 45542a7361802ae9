package dev.a64patch.cli;

import dev.a64patch.core.demangle.CxxFilt;
import java.util.Locale;

/** Entry point of the {@code a64patch} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Reports are data: numbers in ASCII digits whatever the user's locale (in ar-EG, %d printed
    // Arabic-Indic digits: LocaleDigitsTest). Every category, not FORMAT alone: PrintWriter.printf
    // formats in the plain default locale, not the FORMAT one. Locale.US is the one locale the
    // JDK's Formatter handles without loading locale data (10 ms at the first printf otherwise).
    Locale.setDefault(Locale.US);
    Preload.begin(args);
    int code;
    try {
      code = Cli.commandLine(args).execute(args);
    } catch (OutOfMemoryError e) { // an Error: picocli hands its handler only Exceptions
      code = FailureOutput.outOfMemory(e);
    }
    CxxFilt.closeShared(); // before System.exit, which would wait for it (see there)
    // PrintStream hides write errors: `a64patch scan > /dev/full` must not exit 0.
    if (System.out.checkError()) {
      System.err.println(
          "a64patch: standard output: write error (disk full, or the reader went away)");
      if (code != ExitCode.USAGE.code() && code != ExitCode.INTERNAL.code()) {
        code = ExitCode.UNREADABLE.code(); // outranks every other outcome
      }
    }
    System.exit(code);
  }
}
