package dev.a64patch.core.patch;

import java.util.List;

/**
 * Copies of a manifest or of one of its sites with one field changed, as a forger who edits the
 * JSON makes them (records have no withers). Every other field, the manifest's own checksum
 * included, is kept: call {@link Manifest#sealed} to forge carefully.
 */
final class Forgery {
  private Forgery() {}

  static Manifest withSites(Manifest m, List<Manifest.Site> sites) {
    return copy(m, sites, m.names(), m.originalSha256());
  }

  static Manifest withNames(Manifest m, String names) {
    return copy(m, m.sites(), names, m.originalSha256());
  }

  static Manifest withOriginalSha256(Manifest m, String sha256) {
    return copy(m, m.sites(), m.names(), sha256);
  }

  static Manifest.Site withReason(Manifest.Site s, String reason) {
    return copy(s, reason, s.islands());
  }

  static Manifest.Site withIslands(Manifest.Site s, List<Manifest.Island> islands) {
    return copy(s, s.reason(), islands);
  }

  private static Manifest copy(
      Manifest m, List<Manifest.Site> sites, String names, String originalSha256) {
    return new Manifest(
        m.format(),
        m.tool(),
        m.version(),
        m.options(),
        m.originalLength(),
        m.originalHeader(),
        m.segments(),
        m.dynamic(),
        sites,
        names,
        originalSha256,
        m.manifestSha256());
  }

  private static Manifest.Site copy(Manifest.Site s, String reason, List<Manifest.Island> islands) {
    return new Manifest.Site(
        s.offset(),
        s.address(),
        s.register(),
        s.rt(),
        s.original(),
        s.patched(),
        s.action(),
        s.trampoline(),
        s.kind(),
        reason,
        s.unwind(),
        islands);
  }
}
