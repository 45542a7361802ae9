package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Listing;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patch copies the source into the temporary file while it plans, then writes only the edits
 * ({@link PatchWriter#start} with copy ahead; docs/performance.md, "Fifth round"). The result must
 * be exactly what rendering the edits over the source gives, and a result never finished must leave
 * nothing behind.
 */
class CopyAheadTest {
  @TempDir Path dir;

  @Test
  void editsOverTheCopyGiveExactlyTheRenderedResult() throws Exception {
    byte[] original = new byte[5 * PatchWriter.BLOCK + 12];
    new Random(7).nextBytes(original);
    Arrays.fill(original, 2 * PatchWriter.BLOCK, 3 * PatchWriter.BLOCK, (byte) 0); // a hole
    Source source = source(original);
    byte[] zeros = new byte[PatchWriter.BLOCK]; // zeros over other bytes: must not be skipped
    byte[] word = {1, 2, 3, 4};
    byte[] appended = {9, 8, 7};
    long far = original.length + 3L * PatchWriter.BLOCK;
    FileEdits edits =
        new FileEdits(
            original.length,
            far + appended.length + 2 * PatchWriter.BLOCK, // ends in zeros
            List.of(
                new FileEdits.Edit(PatchWriter.BLOCK, zeros, "zeros over data"),
                new FileEdits.Edit(2 * PatchWriter.BLOCK + 8, word, "word in the hole"),
                new FileEdits.Edit(far, appended, "appended")));
    Path out = dir.resolve("out");
    List<String> warnings;
    try (PatchWriter.Started s = PatchWriter.start(source, out, PatchWriter.Hooks.NONE, true)) {
      warnings = s.finish(edits, PatchWriter.Proof.NONE);
    }
    assertEquals(List.of(), warnings);
    byte[] written = Files.readAllBytes(out);
    assertArrayEquals(rendered(edits, original), written);
    // And by hand, so that a fault shared with render cannot hide:
    assertEquals(edits.length(), written.length);
    assertArrayEquals(zeros, Arrays.copyOfRange(written, PatchWriter.BLOCK, 2 * PatchWriter.BLOCK));
    assertArrayEquals(
        word, Arrays.copyOfRange(written, 2 * PatchWriter.BLOCK + 8, 2 * PatchWriter.BLOCK + 12));
    assertArrayEquals(
        Arrays.copyOfRange(original, 3 * PatchWriter.BLOCK, original.length),
        Arrays.copyOfRange(written, 3 * PatchWriter.BLOCK, original.length));
    assertArrayEquals(appended, Arrays.copyOfRange(written, (int) far, (int) far + 3));
    assertEquals(Set.of("in", "out"), Listing.names(dir));
  }

  @Test
  void aResultNeverFinishedLeavesNothing() throws Exception {
    Source source = source(new byte[3 * PatchWriter.BLOCK + 1]);
    Path out = dir.resolve("out");
    PatchWriter.Started started = PatchWriter.start(source, out, PatchWriter.Hooks.NONE, true);
    assertEquals(2, Listing.names(dir).size(), "the temporary file exists meanwhile");
    started.close();
    assertEquals(Set.of("in"), Listing.names(dir));
  }

  @Test
  void aCopyAheadCannotFinishAResultOfOtherBytes() throws Exception {
    Source source = source(new byte[PatchWriter.BLOCK]);
    Path out = dir.resolve("out");
    try (PatchWriter.Started s = PatchWriter.start(source, out, PatchWriter.Hooks.NONE, true)) {
      FileEdits shorter = FileEdits.none(100);
      assertThrows(IllegalStateException.class, () -> s.finish(shorter, PatchWriter.Proof.NONE));
    }
    assertEquals(Set.of("in"), Listing.names(dir));
  }

  private Source source(byte[] original) throws Exception {
    Path in = dir.resolve("in");
    Files.write(in, original);
    return new Source(in, null, ByteBuffer.wrap(original), FileStamp.of(in));
  }

  private static byte[] rendered(FileEdits edits, byte[] original) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    edits.render(
        ByteBuffer.wrap(original),
        chunk -> {
          byte[] a = new byte[chunk.remaining()];
          chunk.get(a);
          b.write(a);
        });
    return b.toByteArray();
  }
}
