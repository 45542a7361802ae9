package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.BigBss;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer skips blocks of zeros (docs/design.md section 14): the result has exactly the bytes
 * the edits describe, including zeros at its very end and a far edit past the original end, and the
 * skipped blocks take no disk.
 */
class SparseWriteTest {
  @TempDir Path dir;

  @Test
  void zerosAreHolesAndTheContentIsExact() throws Exception {
    BigBss.assumeHoles(dir);
    byte[] original = new byte[3 * PatchWriter.BLOCK + 100];
    Arrays.fill(original, 0, PatchWriter.BLOCK + 7, (byte) 0x5a); // then zeros to the end
    Path in = dir.resolve("in");
    Files.write(in, original);
    Source source = new Source(in, null, ByteBuffer.wrap(original), FileStamp.of(in));
    long far = 64L << 20;
    byte[] tail = {1, 2, 3};
    FileEdits edits =
        new FileEdits(
            original.length, far + tail.length, List.of(new FileEdits.Edit(far, tail, "tail")));
    Path out = dir.resolve("out");
    PatchWriter.write(source, edits, out, PatchWriter.Hooks.NONE);
    byte[] written = Files.readAllBytes(out);
    assertEquals(far + tail.length, written.length);
    assertArrayEquals(original, Arrays.copyOf(written, original.length));
    assertTrue(allZero(written, original.length, (int) far));
    assertArrayEquals(tail, Arrays.copyOfRange(written, (int) far, written.length));
    assertTrue(BigBss.allocated(out) < 1 << 20, "allocated " + BigBss.allocated(out));

    // A result that ends in zeros still has its full length (the last byte is written).
    Path copy = dir.resolve("copy");
    PatchWriter.write(source, FileEdits.none(original.length), copy, PatchWriter.Hooks.NONE);
    assertArrayEquals(original, Files.readAllBytes(copy));
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
