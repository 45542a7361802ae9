package dev.a64patch.cli;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.failure.SettingException;
import dev.a64patch.core.report.FileProblem;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Renders core's failures on the command line: the one exception-to-exit-code mapper, and the
 * wording of settings and remedies as this command's options ({@code --max-padding}). Core
 * classifies ({@link Failures}); this class only words. Stack traces are printed only when {@code
 * A64PATCH_DEBUG} is set.
 */
final class FailureOutput implements CommandLine.IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    ExitCode code = ExitCode.of(Failures.kind(e));
    String message = code == ExitCode.INTERNAL ? "internal error: " + e : message(e);
    cmd.getErr().println("a64patch: " + message);
    if (System.getenv("A64PATCH_DEBUG") != null) {
      e.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return code.code();
  }

  /**
   * The line for a run that ran out of Java heap, and its exit code. The heap a patch needs grows
   * with its sites (about 4 KB each, docs/performance.md), so a small -Xmx meets it; what was being
   * written is removed on the way out (PatchWriter), and the run stops: after an OutOfMemoryError
   * no other file is worth starting.
   */
  static int outOfMemory(OutOfMemoryError e) {
    String why = String.valueOf(e.getMessage());
    long mib = Runtime.getRuntime().maxMemory() >> 20;
    // A larger -Xmx helps the heap and direct buffers (their limit follows it), not a thread the
    // system refused: that one is said as the JVM says it.
    boolean heap =
        why.contains("heap") || why.contains("GC overhead") || why.contains("Direct buffer");
    System.err.println(
        "a64patch: out of memory: "
            + why
            + (heap
                ? " (at most "
                    + mib
                    + " MiB); give the Java heap more with A64PATCH_JAVA_OPTS=-Xmx"
                    + Math.max(256, 4 * mib)
                    + "m"
                : ""));
    if (System.getenv("A64PATCH_DEBUG") != null) {
      e.printStackTrace();
    }
    System.err.flush();
    return ExitCode.OUT_OF_MEMORY.code();
  }

  /** "path: reason; remedy", one line, the remedy in this command's option names. */
  static String message(Throwable e) {
    return Failures.describe(e) + advice(e);
  }

  /** The problem for a report, worded as on stderr. */
  static FileProblem problem(String path, Throwable e) {
    FileProblem p = Failures.problem(path, e);
    return new FileProblem(p.path(), p.kind(), p.message() + advice(e));
  }

  /**
   * "; choose --out-of-range skip, zero or nop", or "" when there is no remedy; settings needed
   * together are joined by "and".
   */
  private static String advice(Throwable e) {
    if (!(e instanceof A64PatchException a) || a.remedy().isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (Remedy r = a.remedy().get(); r != null; r = r.next()) {
      b.append(b.length() == 0 ? "; " : " and ");
      b.append(r.verb()).append(' ').append(option(r.setting())).append(' ');
      b.append(choices(r.values()));
    }
    return b.toString();
  }

  private static String choices(List<String> values) {
    int last = values.size() - 1;
    return last <= 0
        ? String.join("", values)
        : String.join(", ", values.subList(0, last)) + " or " + values.get(last);
  }

  /** A bad setting as picocli's usage error (exit 2): "--step must be positive, was 0". */
  static CommandLine.ParameterException usage(CommandLine cmd, SettingException e) {
    return new CommandLine.ParameterException(cmd, option(e.setting()) + " " + e.reason());
  }

  /** The option that sets {@code s}: {@code MAX_PADDING} is {@code --max-padding}. */
  static String option(Setting s) {
    return "--" + s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
