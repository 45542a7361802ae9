package dev.a64patch.elf;

/**
 * A well-formed ELF file that the caller cannot work with, e.g. an x86-64 or 32-bit ARM file given
 * to a tool that handles AArch64 only.
 */
public final class UnsupportedElfException extends ElfException {
  private static final long serialVersionUID = 1L;

  public UnsupportedElfException(String file, String message) {
    super(file, message);
  }
}
