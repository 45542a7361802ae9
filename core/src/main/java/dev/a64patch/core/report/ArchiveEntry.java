package dev.a64patch.core.report;

/**
 * Where a scanned file lives when it is an entry of a zip archive. The report names such a file
 * {@code archive + "!/" + entry}; this record keeps the two parts apart so that writers never have
 * to split that string (a directory on disk may itself be called {@code foo!}).
 *
 * @param archive the archive as named in the report; for nested archives itself of the form {@code
 *     a.zip!/b.jar}
 * @param entry the entry's name inside the archive, e.g. {@code lib/arm64-v8a/libfoo.so}
 */
public record ArchiveEntry(String archive, String entry) {
  public static final String SEPARATOR = "!/";

  public String path() {
    return archive + SEPARATOR + entry;
  }
}
