package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The result of edits, checked against the plain oracle: copy the source, zero-extend, overwrite
 * each edit. Pieces are views of the source now, so the boundaries (an edit at 0, one straddling a
 * 1 MiB piece, one past the original end after a gap) are where it could go wrong.
 */
class FileEditsTest {
  private static final int MIB = 1 << 20;

  private static byte[] oracle(byte[] source, FileEdits edits) {
    byte[] out = new byte[(int) edits.length()];
    System.arraycopy(source, 0, out, 0, (int) edits.originalLength());
    for (FileEdits.Edit e : edits.edits()) {
      System.arraycopy(e.bytes(), 0, out, (int) e.offset(), e.bytes().length);
    }
    return out;
  }

  private static byte[] rendered(byte[] source, FileEdits edits) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    edits.render(
        ByteBuffer.allocateDirect(source.length).put(source).flip(),
        piece -> {
          assertTrue(piece.remaining() <= MIB, "a piece above 1 MiB");
          byte[] b = new byte[piece.remaining()];
          piece.get(b);
          out.write(b);
        });
    return out.toByteArray();
  }

  private static FileEdits sample(int length) {
    FileEdits.Recorder r = new FileEdits.Recorder(length);
    r.write(0, new byte[] {1, 2, 3, 4}, "header");
    r.write(MIB - 2, new byte[] {5, 6, 7, 8}, "across a piece boundary");
    r.write(length - 4, new byte[] {9, 9, 9, 9}, "last word");
    r.write(length + 4096, new byte[] {10, 11}, "past the end after a gap");
    return r.edits();
  }

  @Test
  void rendersWhatTheOracleBuilds() throws Exception {
    byte[] source = new byte[3 * MIB + 12];
    new Random(14).nextBytes(source);
    FileEdits edits = sample(source.length);
    assertArrayEquals(oracle(source, edits), rendered(source, edits));
    assertEquals(edits.length(), rendered(source, edits).length);
  }

  @Test
  void rendersComparesEveryByteAndTheLength() throws Exception {
    byte[] source = new byte[2 * MIB + 100];
    new Random(15).nextBytes(source);
    FileEdits edits = sample(source.length);
    byte[] want = oracle(source, edits);
    ByteBuffer src = ByteBuffer.wrap(source);
    assertTrue(edits.renders(src, ByteBuffer.wrap(want)));
    for (int at : List.of(0, 3, MIB - 1, MIB + 1, source.length + 100, want.length - 1)) {
      byte[] other = want.clone();
      other[at] ^= 1;
      assertFalse(edits.renders(src, ByteBuffer.wrap(other)), "a change at " + at);
    }
    assertFalse(
        edits.renders(src, ByteBuffer.wrap(java.util.Arrays.copyOf(want, want.length - 1))));
    assertFalse(
        edits.renders(src, ByteBuffer.wrap(java.util.Arrays.copyOf(want, want.length + 1))));
  }

  /**
   * A result of three compare slices ({@link FileEdits#COMPARE_SLICE}), compared on several
   * threads: edits straddle the slices' boundaries, and a change on either side of each is found.
   */
  @Test
  void rendersComparesEverySliceOfALargeResult() throws Exception {
    int length = (int) (3 * FileEdits.COMPARE_SLICE + 4097);
    byte[] source = new byte[length];
    new Random(16).nextBytes(source);
    long step = length / 3;
    FileEdits.Recorder r = new FileEdits.Recorder(length);
    r.write(0, new byte[] {1, 2, 3, 4}, "header");
    r.write(step - 3, new byte[] {5, 6, 7, 8, 9, 10}, "across the first boundary");
    r.write(2 * step - 1, new byte[3 * MIB], "a large edit across the second boundary");
    r.write(length + 4096, new byte[] {11, 12}, "past the end after a gap");
    FileEdits edits = r.edits();
    byte[] want = oracle(source, edits);
    ByteBuffer src = ByteBuffer.allocateDirect(length).put(source).flip();
    ByteBuffer expected = ByteBuffer.allocateDirect(want.length).put(want).flip();
    assertTrue(edits.renders(src, expected));
    for (long at : List.of(0L, step - 1, step, step + 2, 2 * step - 2, 2 * step, 3 * step - 1)) {
      byte[] other = want.clone();
      other[(int) at] ^= 1;
      ByteBuffer changed = ByteBuffer.allocateDirect(other.length).put(other).flip();
      assertFalse(edits.renders(src, changed), "a change at " + at);
    }
    assertFalse(edits.renders(src, expected.slice(0, want.length - 1)));
  }
}
