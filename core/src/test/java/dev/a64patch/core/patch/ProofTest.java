package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Listing;
import dev.a64patch.testing.TestData;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof before the rename (docs/design.md section 9) refuses a result that does not verify or
 * does not restore to the input, and nothing is written then. Its two halves run side by side
 * (docs/performance.md, "Fifth round"); verify's verdict is the one reported when both fail. A
 * channel that flips one byte on its way to the file stands for a faulty device or a writer bug.
 */
class ProofTest {
  @TempDir Path dir;

  @Test
  void aByteChangedOutsideTheEditsIsRefusedAsNotRestoring() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    long last = Files.size(file) - 1; // the original's section header table: no edit, no verify
    String why = refusal(file, last);
    assertTrue(why.contains("would not restore to the original byte for byte"), why);
  }

  @Test
  void aChangedSiteIsRefusedByVerifyFirst() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    String why = refusal(file, firstSite(file));
    assertTrue(why.contains("would fail verify: "), why);
  }

  /**
   * A manifest changed on its way to the file: the proof reads the file's own, not the one patch
   * made, and it no longer matches its checksum. Restoring alone would not see it: the manifest
   * lies past the original's length.
   */
  @Test
  void aByteChangedInTheManifestIsRefusedByVerify() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Path once = dir.resolve("once");
    Patcher.patch(file, once, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    long manifest = Manifest.section(ElfFile.read(once)).orElseThrow().offset();
    Files.delete(once);
    String why = refusal(file, manifest + 40);
    assertTrue(why.contains("would fail verify: "), why);
    assertTrue(why.contains("manifest"), why);
  }

  /**
   * A counter read where the patch changed nothing: the proof's verify looks for reads only where
   * the result may differ from the original, and restoring finds this byte change as any other.
   */
  @Test
  void aCounterReadPlantedOutsideTheEditsIsRefusedAsNotRestoring() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    long unchanged = firstSite(file) + 4;
    String why =
        refusal(file, c -> FailingChannel.planting(c, unchanged, 0xD53BE040)); // mrs x0, cntvct_el0
    assertTrue(why.contains("would not restore to the original byte for byte"), why);
  }

  /** The file offset of the first site a plan for {@code file} has. */
  private static long firstSite(Path file) throws Exception {
    Patcher.Outcome planned =
        Patcher.patch(file, file, PatchOptions.defaults(), true, PatchWriter.Hooks.NONE);
    return planned.plan().sites().get(0).finding().offset();
  }

  /** The one-line message of patching {@code file} to "out" with the byte at {@code at} flipped. */
  private String refusal(Path file, long at) throws Exception {
    return refusal(file, c -> FailingChannel.flipping(c, at));
  }

  /**
   * The one-line message of patching {@code file} to "out" through the channel {@code wrap} makes.
   */
  private String refusal(Path file, UnaryOperator<FileChannel> wrap) throws Exception {
    byte[] before = Files.readAllBytes(file);
    Path out = dir.resolve("out");
    PatchException e =
        assertThrows(
            PatchException.class,
            () ->
                Patcher.patch(
                    file, out, PatchOptions.defaults(), false, FailingChannel.hooks(wrap)));
    String why = Failures.describe(e);
    assertTrue(why.startsWith(out + ": the patched result "), why);
    assertTrue(why.endsWith("nothing was written (please report it)"), why);
    assertArrayEquals(before, Files.readAllBytes(file));
    assertEquals(Set.of(file.getFileName().toString()), Listing.names(dir));
    return why;
  }
}
