package dev.a64patch.core.patch;

/**
 * A file that cannot be patched as asked, for a reason the user can act on (the message says how).
 * Nothing has been written when this is thrown.
 */
public class PatchException extends RuntimeException {
  private final String file;

  public PatchException(String file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  public String file() {
    return file;
  }
}
