package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Listing;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * restore(patch(f)) == f byte for byte, and patch(patch(f)) == patch(f), for every file we can
 * patch.
 */
class RoundTripTest {
  @TempDir Path dir;

  static Stream<Path> files() {
    Stream<Path> testdata =
        TestData.aarch64().stream().filter(b -> !b.isObject()).map(TestData.Binary::path);
    return Stream.concat(testdata, Corpus.all().stream());
  }

  static PatchOptions all() {
    return new PatchOptions(
        Strategy.COUNTER,
        Set.of(),
        1000,
        PatchOptions.DEFAULT_FREQUENCY,
        true,
        OutOfRangePolicy.FAIL,
        RndrMode.DETERMINISTIC,
        PatchOptions.DEFAULT_MAX_PADDING);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void restoreGivesBackTheOriginalAndPatchingTwiceChangesNothing(Path original) throws Exception {
    Path once = dir.resolve("once");
    Patcher.Outcome o = Patcher.patch(original, once, all(), false, PatchWriter.Hooks.NONE);
    byte[] patched = Files.readAllBytes(once);
    Path twice = dir.resolve("twice");
    Patcher.Outcome again = Patcher.patch(once, twice, all(), false, PatchWriter.Hooks.NONE);
    assertArrayEquals(patched, Files.readAllBytes(twice), "patch twice == patch once");
    if (o.result() == Patcher.Result.PATCHED) {
      assertEquals(Patcher.Result.ALREADY_PATCHED, again.result());
      assertTrue(
          Verifier.verify(ElfFile.read(once)).ok(),
          () -> Verifier.verify(read(once)).problems().toString());
      Path restored = dir.resolve("restored");
      Patcher.restore(once, restored, PatchWriter.Hooks.NONE);
      assertEquals(-1, Files.mismatch(original, restored), "restore(patch(f)) must equal f");
    } else {
      assertEquals(Patcher.Result.NOTHING_TO_PATCH, o.result());
      assertEquals(-1, Files.mismatch(original, once), "a file without reads is copied unchanged");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.a64patch.core.patch.RoundTripTest#someTestdata")
  void repatchingWithOtherOptionsStartsFromTheOriginal(Path original) throws Exception {
    Path counter = dir.resolve("counter");
    Patcher.patch(original, counter, all(), false, PatchWriter.Hooks.NONE);
    Path clockFromPatched = dir.resolve("clock-from-patched");
    Patcher.patch(
        counter,
        clockFromPatched,
        all().withStrategy(Strategy.CLOCK),
        false,
        PatchWriter.Hooks.NONE);
    Path clockFromOriginal = dir.resolve("clock-from-original");
    Patcher.patch(
        original,
        clockFromOriginal,
        all().withStrategy(Strategy.CLOCK),
        false,
        PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(clockFromOriginal, clockFromPatched));
    assertEquals(
        Set.of("counter", "clock-from-patched", "clock-from-original"),
        Listing.names(dir),
        "no stray files");
  }

  static Stream<Path> someTestdata() {
    return Stream.of("counters-gcc-pie", "counters-clang-static", "libcounters.so")
        .map(TestData::bin);
  }

  private static ElfFile read(Path p) {
    try {
      return ElfFile.read(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
