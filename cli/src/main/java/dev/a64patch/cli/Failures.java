package dev.a64patch.cli;

import dev.a64patch.core.batch.Problems;
import dev.a64patch.core.patch.PatchException;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.elf.ElfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The one place that turns exceptions into one-line messages and exit codes. Stack traces are
 * printed only when {@code A64PATCH_DEBUG} is set.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    ExitCode code = exitCode(e);
    String message = code == ExitCode.INTERNAL ? "internal error: " + e : describe(e);
    cmd.getErr().println("a64patch: " + message);
    if (System.getenv("A64PATCH_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return code.code();
  }

  static ExitCode exitCode(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      return exitCode(u.getCause());
    }
    if (e instanceof ElfException) {
      return ExitCode.BAD_INPUT;
    }
    if (e instanceof PatchException) {
      return ExitCode.REFUSED;
    }
    if (e instanceof IOException) {
      return ExitCode.UNREADABLE;
    }
    if (e instanceof CommandLine.ParameterException) {
      return ExitCode.USAGE;
    }
    return ExitCode.INTERNAL;
  }

  /** "path: reason", one line; core words it, so batch reports and errors read the same. */
  static String describe(Throwable e) {
    return Problems.describe(e);
  }

  static FileProblem problem(String path, Exception e) {
    FileProblem.Kind kind =
        exitCode(e) == ExitCode.BAD_INPUT
            ? FileProblem.Kind.BAD_INPUT
            : FileProblem.Kind.UNREADABLE;
    return new FileProblem(path, kind, describe(e));
  }
}
