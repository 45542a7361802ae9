package dev.a64patch.core.report;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UrisTest {
  static ScanReport withEntries(Map<String, ArchiveEntry> entries) {
    return new ScanReport(List.of(), List.of(), 0, ScanTotals.NONE, entries);
  }

  @Test
  void relativePathsStayRelativeAndAbsoluteOnesBecomeFileUris() {
    ScanReport r = withEntries(Map.of());
    assertEquals("usr/lib/libfoo.so", Uris.of("./usr/lib/libfoo.so", r));
    assertEquals("file:///usr/lib/libfoo.so", Uris.of("/usr/lib/libfoo.so", r));
    assertEquals("../lib/libfoo.so", Uris.of("../lib/libfoo.so", r));
  }

  @Test
  void charactersThatWouldChangeTheMeaningArePercentEncoded() {
    String path = "dir with space/100%/a#b?c/ü:x!y/lib+1,2;3=4@5.so";
    String uri = Uris.of(path, withEntries(Map.of()));
    assertEquals("dir%20with%20space/100%25/a%23b%3Fc/%C3%BC%3Ax%21y/lib+1,2;3=4@5.so", uri);
    URI parsed = URI.create(uri); // java.net.URI is strict RFC 2396/3986: an independent parser
    assertNull(parsed.getScheme());
    assertEquals(path, parsed.getPath(), "decoding gives the path back");
  }

  @Test
  void archiveEntriesAppendBangSlashAndTheEntryName() {
    ScanReport r =
        withEntries(
            Map.of(
                "app/a!b.zip!/in ner.jar", new ArchiveEntry("app/a!b.zip", "in ner.jar"),
                "app/a!b.zip!/in ner.jar!/lib/x.so",
                    new ArchiveEntry("app/a!b.zip!/in ner.jar", "lib/x.so")));
    assertEquals(
        "app/a%21b.zip!/in%20ner.jar!/lib/x.so", Uris.of("app/a!b.zip!/in ner.jar!/lib/x.so", r));
    assertTrue(Uris.isRelative("app/a!b.zip!/in ner.jar!/lib/x.so", r));
    // A directory called "foo!" is not an archive: only the report's entries say what is one.
    assertEquals("foo%21/bar.so", Uris.of("foo!/bar.so", r));
  }
}
