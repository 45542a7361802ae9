package dev.a64patch.core.batch;

import java.util.Locale;
import java.util.Set;

/** The first bytes that decide what a file is, and the names that make a zip worth opening. */
final class Magic {
  /** Bytes read to decide: the 8-byte ar magic is the longest. */
  static final int HEAD = 8;

  /** Archive kinds searched for ELF entries: Java and Android packages, and plain zips. */
  static final Set<String> ARCHIVE_SUFFIXES = Set.of(".jar", ".zip", ".aar", ".apk");

  private Magic() {}

  static boolean isElf(byte[] head, int n) {
    return n >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
  }

  /** A local file header (PK\3\4) or the end record of an empty zip (PK\5\6). */
  static boolean isZip(byte[] head, int n) {
    return n >= 4
        && head[0] == 'P'
        && head[1] == 'K'
        && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
  }

  static boolean hasArchiveName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return ARCHIVE_SUFFIXES.stream().anyMatch(n::endsWith);
  }
}
