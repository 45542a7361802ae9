package dev.a64patch.core.report;

/**
 * What a scan met besides the results and problems it lists, so that a summary can say how much was
 * looked at. All counts are after de-duplication: a file reached through several links counts once,
 * in {@code files}, and the extra paths count in {@code duplicates}.
 *
 * @param files regular files on disk that were opened (named or met in a directory)
 * @param directories directories walked
 * @param archives zip archives (jar, zip, aar, apk) searched, nested ones included
 * @param entries file entries examined inside archives
 * @param elf files and entries that start with the ELF magic (any machine, well-formed or not)
 * @param duplicates paths that led to a file already counted (hard or symbolic links)
 * @param notRegular FIFOs, sockets, devices and dangling links met while walking; never opened
 * @param outside symbolic links met while walking whose target lies outside the trees being
 *     scanned; not followed, so a container root never leads into the host
 */
public record ScanTotals(
    long files,
    long directories,
    long archives,
    long entries,
    long elf,
    long duplicates,
    long notRegular,
    long outside) {

  public static final ScanTotals NONE = new ScanTotals(0, 0, 0, 0, 0, 0, 0, 0);

  /** True when the scan went beyond the files named by the caller (directories or archives). */
  public boolean walked() {
    return directories > 0 || archives > 0;
  }

  public ScanTotals plus(ScanTotals o) {
    return new ScanTotals(
        files + o.files,
        directories + o.directories,
        archives + o.archives,
        entries + o.entries,
        elf + o.elf,
        duplicates + o.duplicates,
        notRegular + o.notRegular,
        outside + o.outside);
  }
}
