package dev.a64patch.elf;

/**
 * The file is not a well-formed ELF file: a field holds a value that the gABI forbids or that
 * points outside the file. Carries the offset of the offending field, its name, and the expected
 * and actual values so the message can be acted on.
 */
public class ElfFormatException extends ElfException {
  private static final long serialVersionUID = 1L;

  private final long offset;
  private final String field;

  public ElfFormatException(String file, long offset, String field, String problem) {
    super(file, String.format("%s at offset 0x%x: %s", field, offset, problem));
    this.offset = offset;
    this.field = field;
  }

  /** File offset of the field that is wrong. */
  public long offset() {
    return offset;
  }

  /** gABI name of the field, e.g. {@code e_phoff} or {@code section 7 sh_offset}. */
  public String field() {
    return field;
  }
}
