package dev.a64patch.elf;

/**
 * Root of the small exception tree of the ELF reader. Every subclass names the file it is about, so
 * a caller can print {@link #getMessage()} as one line and be understood.
 */
public abstract class ElfException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;

  protected ElfException(String file, String message) {
    super(ElfNames.printable(file + ": " + message)); // names from the file may hold newlines
    this.file = file;
  }

  /** The file (or buffer name) the problem was found in. */
  public String file() {
    return file;
  }

  /** The message without the leading file name. */
  public String reason() {
    String m = getMessage();
    return m.substring(ElfNames.printable(file).length() + 2);
  }
}
