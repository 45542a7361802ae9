package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.testing.Listing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write begun before its edits are known copies the source's bytes first and writes the edits
 * over the copy ({@link PatchWriter#begin}): the result must be what writing the whole result
 * gives, byte for byte, including edits of zeros over the source's bytes (which the copy's sparse
 * writing must not skip); a write that does not finish leaves nothing behind.
 */
class CopyAheadTest {
  @TempDir Path dir;

  @Test
  void editsOverTheCopyGiveWhatWritingTheWholeResultGives() throws Exception {
    Random random = new Random(7);
    for (int round = 0; round < 40; round++) {
      byte[] original = blocks(random, 2 + random.nextInt(8));
      Source source = source(original);
      FileEdits edits = randomEdits(random, original.length);
      Path whole = dir.resolve("whole" + round);
      PatchWriter.write(source, edits, whole, PatchWriter.Hooks.NONE);
      Path over = dir.resolve("over" + round);
      try (PatchWriter.Begun w = PatchWriter.begin(source, over, PatchWriter.Hooks.NONE, true)) {
        w.finish(edits, PatchWriter.Proof.NONE);
      }
      assertEquals(-1, Files.mismatch(whole, over), "round " + round + ": " + edits.edits());
    }
  }

  @Test
  void anEditOfZerosReplacesTheCopiedBytes() throws Exception {
    byte[] original = new byte[4 * PatchWriter.BLOCK];
    Arrays.fill(original, (byte) 0x5a);
    byte[] zeros = new byte[2 * PatchWriter.BLOCK];
    FileEdits edits =
        new FileEdits(
            original.length,
            original.length,
            List.of(new FileEdits.Edit(PatchWriter.BLOCK, zeros, "zeros")));
    Path out = dir.resolve("out");
    try (PatchWriter.Begun w =
        PatchWriter.begin(source(original), out, PatchWriter.Hooks.NONE, true)) {
      w.finish(edits, PatchWriter.Proof.NONE);
    }
    byte[] want = original.clone();
    Arrays.fill(want, PatchWriter.BLOCK, 3 * PatchWriter.BLOCK, (byte) 0);
    assertArrayEquals(want, Files.readAllBytes(out));
  }

  @Test
  void aWriteThatDoesNotFinishLeavesNothing() throws Exception {
    Source source = source(blocks(new Random(8), 64));
    Path out = dir.resolve("out");
    PatchWriter.Begun w = PatchWriter.begin(source, out, PatchWriter.Hooks.NONE, true);
    try {
      assertTrue(Listing.names(dir).stream().anyMatch(n -> n.endsWith(".tmp")));
    } finally {
      w.close();
    }
    assertEquals(Set.of("in"), Listing.names(dir));
  }

  @Test
  void aWriteErrorInTheCopyFailsTheFinishNamingTheFileAndLeavesNothing() throws Exception {
    byte[] original = blocks(new Random(9), 64);
    Source source = source(original);
    Path out = dir.resolve("out");
    PatchWriter.Hooks failing = FailingChannel.hooks(c -> new FailingChannel(c, 10_000));
    IOException e;
    try (PatchWriter.Begun w = PatchWriter.begin(source, out, failing, true)) {
      e =
          assertThrows(
              IOException.class,
              () -> w.finish(FileEdits.none(original.length), PatchWriter.Proof.NONE));
    }
    assertEquals(
        out + ": cannot write the result (No space left on device (injected)); nothing was changed",
        Failures.describe(e));
    assertEquals(Set.of("in"), Listing.names(dir));
  }

  /** {@code n} blocks, each of zeros (a hole in the copy) or of random bytes. */
  private static byte[] blocks(Random random, int n) {
    byte[] b = new byte[n * PatchWriter.BLOCK + random.nextInt(PatchWriter.BLOCK)];
    for (int at = 0; at < b.length; at += PatchWriter.BLOCK) {
      if (random.nextBoolean()) {
        byte[] r = new byte[Math.min(PatchWriter.BLOCK, b.length - at)];
        random.nextBytes(r);
        System.arraycopy(r, 0, b, at, r.length);
      }
    }
    return b;
  }

  /**
   * Edits that do not overlap: inside the original (zeros or random bytes, up to three blocks),
   * across its end, and past it, leaving a gap; the result may also end past the last edit.
   */
  private static FileEdits randomEdits(Random random, int length) {
    List<FileEdits.Edit> edits = new ArrayList<>();
    long at = 0;
    long end = length;
    for (int k = 0; k < 6; k++) {
      long offset = at + random.nextInt(2 * PatchWriter.BLOCK);
      byte[] bytes = new byte[1 + random.nextInt(3 * PatchWriter.BLOCK)];
      if (random.nextBoolean()) {
        random.nextBytes(bytes);
      }
      edits.add(new FileEdits.Edit(offset, bytes, "edit " + k));
      at = offset + bytes.length;
      end = Math.max(end, at);
    }
    return new FileEdits(length, end + random.nextInt(3) * PatchWriter.BLOCK, edits);
  }

  private Source source(byte[] original) throws IOException {
    Path in = dir.resolve("in");
    Files.write(in, original);
    return new Source(in, null, ByteBuffer.wrap(original), FileStamp.of(in));
  }
}
