package dev.a64patch.core.failure;

import java.util.Optional;

/**
 * Root of a64patch's own failures: each carries its {@link FailureKind}, the file it is about (if
 * any), a one-line reason with the values involved, and optionally a {@link Remedy}. Front ends
 * render these; they do not classify them again.
 */
public class A64PatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final FailureKind kind;
  private final String file;
  private final String reason;
  private final Remedy remedy;

  public A64PatchException(FailureKind kind, String file, String reason, Remedy remedy) {
    super(file == null ? reason : file + ": " + reason);
    this.kind = kind;
    this.file = file;
    this.reason = reason;
    this.remedy = remedy;
  }

  public FailureKind kind() {
    return kind;
  }

  /** The file the failure is about, or null for one about the settings. */
  public String file() {
    return file;
  }

  /** The message without the file name and without any remedy. */
  public String reason() {
    return reason;
  }

  public Optional<Remedy> remedy() {
    return Optional.ofNullable(remedy);
  }
}
