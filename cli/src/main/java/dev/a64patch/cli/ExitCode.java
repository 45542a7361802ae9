package dev.a64patch.cli;

import dev.a64patch.core.failure.FailureKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every exit code of {@code a64patch}, defined once; {@code --help} lists them from here. Each
 * failure code renders one {@link FailureKind}; their precedence is the kinds' order.
 */
public enum ExitCode {
  OK(0, null, "success"),
  FINDINGS(1, null, "scan --fail-on: findings matched"),
  USAGE(2, FailureKind.USAGE, "usage error (unknown option, bad value)"),
  BAD_INPUT(3, FailureKind.BAD_INPUT, "bad input file: not ELF, malformed, or not AArch64"),
  UNREADABLE(
      4,
      FailureKind.UNREADABLE,
      "a file could not be read or written (missing, permissions, not a regular file)"),
  VERIFY_FAILED(
      5,
      FailureKind.VERIFY_FAILED,
      "verify: a file breaks a layout rule, a trampoline is wrong, or a read is left unpatched"),
  REFUSED(
      6,
      FailureKind.REFUSED,
      "patch/restore refused a file as asked (e.g. reads out of branch range); nothing was written"),
  MISSING_LIBRARY(
      7, null, "prepare/run/record/doctor: a library of the program's closure cannot be found"),
  NOT_REDIRECTED(
      8,
      null,
      "prepare/run/record: an object that reads the counter cannot be made to load its patched copy"
          + " (the report prints the command that patches it in place)"),
  OUT_OF_MEMORY(
      9,
      null,
      "out of memory: the run needs a larger Java heap (A64PATCH_JAVA_OPTS=-Xmx...); nothing"
          + " half-written is left"),
  INTERNAL(70, FailureKind.INTERNAL, "internal error (a bug: please report it)");

  private final int code;
  private final FailureKind kind;
  private final String meaning;

  ExitCode(int code, FailureKind kind, String meaning) {
    this.code = code;
    this.kind = kind;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /** The code of a failure; a skipped file is no failure. */
  public static ExitCode of(FailureKind kind) {
    for (ExitCode c : values()) {
      if (c.kind == kind) {
        return c;
      }
    }
    return OK;
  }

  /**
   * The code for a run that met both outcomes: any failure outranks the outcomes that are no
   * failure (gate findings, then an object left unredirected, then a missing library), and failures
   * rank as their {@link FailureKind}s do (internal errors win).
   */
  public static ExitCode worse(ExitCode a, ExitCode b) {
    return a.rank() >= b.rank() ? a : b;
  }

  private int rank() {
    if (this == OUT_OF_MEMORY) {
      return Integer.MAX_VALUE; // it ends the run: nothing after it is an outcome
    }
    return kind == null ? OUTCOMES.indexOf(this) : OUTCOMES.size() + kind.ordinal();
  }

  private static final java.util.List<ExitCode> OUTCOMES =
      java.util.List.of(OK, FINDINGS, NOT_REDIRECTED, MISSING_LIBRARY);

  /** For picocli's exit code section of the usage help. */
  static Map<String, String> helpList() {
    Map<String, String> m = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      m.put((c.code < 10 ? " " : "") + c.code, c.meaning); // built on every run: no Formatter
    }
    return m;
  }
}
