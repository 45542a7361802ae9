package dev.a64patch.core.report;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Report paths as URI references (RFC 3986), for SARIF. A relative path stays relative (so a viewer
 * or code-scanning upload resolves it against the checkout: {@code %SRCROOT%}), an absolute one
 * becomes {@code file:///...}, and an archive entry is its archive's URI, then {@code !/}, then the
 * entry name, the form Java's jar: URLs use. Every other byte outside the unreserved set and a few
 * safe sub-delimiters is percent-encoded as UTF-8: spaces, {@code %}, {@code #}, {@code ?},
 * non-ASCII; also {@code !} (so the archive separator is unambiguous) and {@code :} (a colon in the
 * first segment would read as a scheme).
 */
final class Uris {
  private Uris() {}

  static String of(String path, ScanReport report) {
    Optional<ArchiveEntry> e = report.entry(path);
    if (e.isPresent()) {
      return of(e.get().archive(), report) + ArchiveEntry.SEPARATOR + encode(e.get().entry());
    }
    return path.startsWith("/") ? "file://" + encode(path) : encode(stripDotSlash(path));
  }

  /** True when the URI of {@code path} is relative, i.e. resolved against the source root. */
  static boolean isRelative(String path, ScanReport report) {
    Optional<ArchiveEntry> e = report.entry(path);
    return e.isPresent() ? isRelative(e.get().archive(), report) : !path.startsWith("/");
  }

  private static String stripDotSlash(String p) {
    String s = p;
    while (s.startsWith("./")) {
      s = s.substring(2);
    }
    return s.isEmpty() ? "." : s;
  }

  static String encode(String path) {
    StringBuilder b = new StringBuilder(path.length() + 16);
    for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c < 0x80 && isSafe((char) c)) {
        b.append((char) c);
      } else {
        b.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return b.toString();
  }

  private static boolean isSafe(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~/$&'()*+,;=@".indexOf(c) >= 0;
  }
}
