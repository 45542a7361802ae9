package dev.a64patch.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobsTest {
  @Test
  void defaultTakesSharedLibrariesAtAnyDepthVersionedOnesIncluded() {
    Globs g = new Globs(List.of("**/*.so*"), List.of());
    assertTrue(g.matches("libfoo.so"));
    assertTrue(g.matches("lib/linux-aarch64/libfoo.so"));
    assertTrue(g.matches("a/b/c/libfoo.so.1.2.3"));
    assertFalse(g.matches("lib/foo.dll"));
    assertFalse(g.matches("libso"));
    assertFalse(g.matches("lib/foo.so/"), "a trailing slash names a directory");
  }

  @Test
  void singleStarStaysInOneDirectoryAndQuestionMarkIsOneCharacter() {
    Globs g = new Globs(List.of("*.so", "lib/?/x.so"), List.of());
    assertTrue(g.matches("a.so"));
    assertFalse(g.matches("d/a.so"));
    assertTrue(g.matches("lib/a/x.so"));
    assertFalse(g.matches("lib/ab/x.so"));
    assertFalse(g.matches("lib/a/b/x.so"));
  }

  @Test
  void excludesWinAndATrailingSlashMeansEverythingBelow() {
    Globs g = new Globs(List.of("**/*.so*"), List.of("lib/linux-x86_64/", "**/*.so.dbg"));
    assertTrue(g.matches("lib/linux-aarch64/libfoo.so"));
    assertFalse(g.matches("lib/linux-x86_64/libfoo.so"));
    assertFalse(g.matches("lib/linux-x86_64/sub/libfoo.so"));
    assertFalse(g.matches("libfoo.so.dbg"));
  }

  @Test
  void dotsAndOtherRegexCharactersAreLiteral() {
    Globs g = new Globs(List.of("lib+x/[a].so"), List.of());
    assertTrue(g.matches("lib+x/[a].so"));
    assertFalse(g.matches("libbx/a.so"));
    assertFalse(new Globs(List.of("*.so"), List.of()).matches("libxso"));
  }

  @Test
  void findReturnsMatchingRegularFilesSortedAndSkipsLinks(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b/c"));
    Files.writeString(dir.resolve("b/c/libz.so"), "z");
    Files.writeString(dir.resolve("liba.so.1"), "a");
    Files.writeString(dir.resolve("notes.txt"), "n");
    Files.createSymbolicLink(dir.resolve("liba.so"), dir.resolve("liba.so.1"));
    Files.createDirectories(dir.resolve("dir.so"));
    List<Path> found = new Globs(List.of("**/*.so*"), List.of()).find(dir);
    assertEquals(List.of(dir.resolve("b/c/libz.so"), dir.resolve("liba.so.1")), found);
  }
}
