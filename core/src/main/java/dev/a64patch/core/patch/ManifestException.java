package dev.a64patch.core.patch;

/**
 * A manifest that cannot be trusted: unparsable, a field of the wrong type or out of range,
 * inconsistent with the file, or not matching its own checksum. {@code verify} reports it as a
 * failed check (exit 5); {@code restore} and {@code patch} refuse the file (exit 6).
 */
public final class ManifestException extends PatchException {
  private static final long serialVersionUID = 1L;

  private final String field;

  public ManifestException(String file, String field, String message) {
    super(file, "manifest " + (field.isEmpty() ? "" : "field " + field + ": ") + message);
    this.field = field;
  }

  /** The JSON path of the offending field ("sites[3].offset"), or empty for the whole manifest. */
  public String field() {
    return field;
  }
}
