package dev.a64patch.core.report;

/**
 * A file that was not scanned, and why.
 *
 * @param kind what went wrong, which decides the exit code
 * @param message one line naming the file and the reason
 */
public record FileProblem(String path, Kind kind, String message) {
  public enum Kind {
    /** Not ELF, malformed, or an ELF file a64patch does not handle. */
    BAD_INPUT,
    /** Could not be opened or read (missing, permissions, not a regular file). */
    UNREADABLE,
    /** An ELF file for another machine met while walking a directory: reported, not an error. */
    SKIPPED
  }
}
