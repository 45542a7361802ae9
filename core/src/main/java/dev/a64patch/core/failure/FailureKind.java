package dev.a64patch.core.failure;

import dev.a64patch.core.Names;

/**
 * What went wrong, the one classification every front end renders: the command line maps it to an
 * exit code, the reports write its {@link #id()}, the Maven plugin chooses between a build failure
 * (the user's to fix) and an execution error. Declared from least to most serious, so a run that
 * met several keeps the {@link #worst} one.
 */
public enum FailureKind {
  /** Not a failure: an ELF file for another machine met while walking a directory. */
  SKIPPED,
  /** A patched file breaks a layout rule, a trampoline is wrong, or a read is left unpatched. */
  VERIFY_FAILED,
  /** Patch or restore refused a file as asked; nothing was written. */
  REFUSED,
  /** Not ELF, malformed, or an ELF file a64patch does not handle. */
  BAD_INPUT,
  /** Could not be opened, read or written (missing, permissions, not a regular file, disk full). */
  UNREADABLE,
  /** A setting or argument is wrong (unknown option, value out of range). */
  USAGE,
  /** A bug in a64patch. */
  INTERNAL;

  /** The external name, in reports and JSON: {@code bad-input}, {@code verify-failed}, ... */
  public String id() {
    return Names.id(this);
  }

  /** True for the kinds a user can fix by changing the input or the settings. */
  public boolean userFixable() {
    return this != INTERNAL && this != UNREADABLE;
  }

  public static FailureKind worse(FailureKind a, FailureKind b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
