package dev.a64patch.core.patch;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Remedy;

/**
 * A file that cannot be patched or restored as asked ({@link FailureKind#REFUSED}), for a reason
 * the user can act on; the {@link #remedy()}, when there is one, names the setting that lets it
 * through. Nothing has been written when this is thrown.
 */
public class PatchException extends A64PatchException {
  private static final long serialVersionUID = 1L;

  public PatchException(String file, String reason) {
    super(FailureKind.REFUSED, file, reason, null);
  }

  public PatchException(String file, String reason, Remedy remedy) {
    super(FailureKind.REFUSED, file, reason, remedy);
  }
}
