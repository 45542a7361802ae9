package dev.a64patch.elf;

/** The file does not start with the ELF magic {@code \x7fELF} (or is too short to hold it). */
public final class NotElfException extends ElfFormatException {
  private static final long serialVersionUID = 1L;

  public NotElfException(String file, String problem) {
    super(file, 0, "e_ident[EI_MAG0..3]", problem);
  }
}
