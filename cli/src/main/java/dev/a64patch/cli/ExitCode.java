package dev.a64patch.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every exit code of {@code a64patch}, defined once; {@code --help} lists them from here. */
public enum ExitCode {
  OK(0, "success"),
  FINDINGS(1, "scan --fail-on: findings matched"),
  USAGE(2, "usage error (unknown option, bad value)"),
  BAD_INPUT(3, "bad input file: not ELF, malformed, or not AArch64"),
  UNREADABLE(4, "a file could not be read or written (missing, permissions, not a regular file)"),
  VERIFY_FAILED(
      5, "verify: a file breaks a layout rule, a trampoline is wrong, or a read is left unpatched"),
  REFUSED(
      6,
      "patch/restore refused a file as asked (e.g. reads out of branch range); nothing was written"),
  INTERNAL(70, "internal error (a bug: please report it)");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  /**
   * The code for a run that met both outcomes: unreadable files outrank bad input, which outranks a
   * refused patch, a failed verify and gate findings. Internal errors win.
   */
  public static ExitCode worse(ExitCode a, ExitCode b) {
    return PRECEDENCE.indexOf(a) >= PRECEDENCE.indexOf(b) ? a : b;
  }

  private static final java.util.List<ExitCode> PRECEDENCE =
      java.util.List.of(OK, FINDINGS, VERIFY_FAILED, REFUSED, BAD_INPUT, UNREADABLE, INTERNAL);

  /** For picocli's exit code section of the usage help. */
  static Map<String, String> helpList() {
    Map<String, String> m = new LinkedHashMap<>();
    for (ExitCode c : values()) {
      m.put(String.format("%2d", c.code), c.meaning);
    }
    return m;
  }
}
