package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordMatcherTest {

  /**
   * The obvious per-word loop, written from the table in docs/design.md (section 3) rather than
   * from the matcher.
   */
  static List<Integer> naive(ByteBuffer b, int from, int to, Set<SysReg> regs) {
    List<Integer> out = new ArrayList<>();
    for (int i = from; i + 4 <= to; i += 4) {
      int w = b.getInt(i);
      for (SysReg r : regs) {
        if ((w & 0xFFFFFFE0) == r.encoding()) {
          out.add(i);
        }
      }
    }
    return out;
  }

  static List<Integer> boxed(int[] a) {
    List<Integer> out = new ArrayList<>();
    for (int v : a) out.add(v);
    return out;
  }

  @Test
  void everyRegisterAndEveryRtAtEveryAlignmentOfTheBufferEnd() {
    for (SysReg reg : SysReg.values()) {
      for (int rt = 0; rt < 32; rt++) {
        for (int words = 1; words <= 5; words++) {
          for (int pos = 0; pos < words; pos++) {
            ByteBuffer b = ByteBuffer.allocate(words * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < words; i++) b.putInt(i * 4, 0xd503201f); // nop
            b.putInt(pos * 4, reg.mrs(rt));
            for (WordMatcher m : bothLoops(SysReg.all())) {
              assertArrayEquals(
                  new int[] {pos * 4},
                  m.find(b, 0, words * 4),
                  reg + " x" + rt + " at word " + pos + " of " + words);
            }
          }
        }
      }
    }
  }

  @Test
  void onlyTheChosenRegistersMatch() {
    ByteBuffer b = ByteBuffer.allocate(SysReg.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (SysReg r : SysReg.values()) b.putInt(r.mrs(3));
    Set<SysReg> chosen = EnumSet.of(SysReg.CNTVCT_EL0, SysReg.RNDR);
    int[] hits = new WordMatcher(chosen).find(b, 0, b.capacity());
    assertEquals(naive(b, 0, b.capacity(), chosen), boxed(hits));
    assertEquals(2, hits.length);
  }

  @Test
  void lookalikesDoNotMatch() {
    // MSR (write) to CNTVCT's encoding, TPIDR_EL0 read, CNTV_CTL read, and a byte-shifted copy.
    int[] words = {0xD51BE040, 0xD53BD040, 0xD53BE320, 0x3BE040D5, 0xD53BE060 /* CNTV? op2=3 */};
    ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int w : words) b.putInt(w);
    assertEquals(0, new WordMatcher(SysReg.all()).find(b, 0, b.capacity()).length);
  }

  @Test
  void agreesWithTheNaiveLoopOnRandomCodeLikeBuffers() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      int size = random.nextInt(4096) & ~3;
      ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i + 4 <= size; i += 4) {
        int kind = random.nextInt(10);
        b.putInt(
            i,
            kind == 0
                ? SysReg.values()[random.nextInt(8)].mrs(random.nextInt(32))
                : kind == 1 ? 0xD53B0000 | random.nextInt(0x10000) : random.nextInt());
      }
      int from = size == 0 ? 0 : (random.nextInt(size / 4 + 1) * 4);
      for (WordMatcher m : bothLoops(SysReg.all())) {
        assertEquals(naive(b, from, size, SysReg.all()), boxed(m.find(b, from, size)));
      }
    }
  }

  /** The C loop (where built: NativeLoops) and the Java loop. */
  private static List<WordMatcher> bothLoops(Set<SysReg> registers) {
    return List.of(new WordMatcher(registers, true), new WordMatcher(registers, false));
  }

  @Test
  void parallelSlicesFindWhatOneThreadFinds() {
    // A buffer just over 3 x 16 MiB, cut into slices for 3 cores, with reads on both sides of
    // every cut.
    int size = 3 * WordMatcher.PARALLEL_BYTES + 12;
    ByteBuffer b = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
    Random random = new Random(7);
    for (int i = 0; i + 4 <= size; i += 4) b.putInt(i, random.nextInt());
    int[] cuts =
        WordMatcher.slices(4, size, 3, WordMatcher.PARALLEL_BYTES, WordMatcher.SLICE_BYTES);
    assertTrue(cuts.length - 1 > 3, "several slices per core: " + Arrays.toString(cuts));
    for (int k = 1; k < cuts.length - 1; k++) {
      for (int at = cuts[k] - 8; at <= cuts[k] + 4; at += 4) {
        b.putInt(at, SysReg.CNTVCT_EL0.mrs(1));
      }
    }
    b.putInt(size - 4, SysReg.CNTPCT_EL0.mrs(2));
    WordMatcher m = new WordMatcher(SysReg.all());
    int[] one = m.find(b, 4, size, 1);
    assertArrayEquals(one, m.find(b, 4, size, 3));
    assertEquals(naive(b, 4, size, SysReg.all()), boxed(one));
  }

  @Test
  void chunksAreNoLargerThanTheCodeTheyHold() {
    // A batch scan meets thousands of small files: 64 KiB arrays for each made it 7% slower.
    assertEquals(104, WordMatcher.chunkBytes(true, 100));
    assertEquals(104, WordMatcher.chunkBytes(false, 100));
    assertEquals(8, WordMatcher.chunkBytes(true, 0));
    assertEquals(WordMatcher.C_CHUNK, WordMatcher.chunkBytes(true, 1 << 20));
    assertEquals(16 << 10, WordMatcher.chunkBytes(false, 1 << 20));
  }

  @Test
  void slicesCoverTheRangeOnceOnWholeWordPairs() {
    for (int size : new int[] {100, 4096, 4100, 1 << 20, (1 << 20) + 12, 3 << 20}) {
      for (int threads : new int[] {1, 2, 3, 8}) {
        int[] at = WordMatcher.slices(4, 4 + size, threads, 1024, 4096 + 8);
        String what = size + " bytes, " + threads + " cores: " + Arrays.toString(at);
        assertEquals(4, at[0], what);
        assertEquals(4 + size, at[at.length - 1], what);
        int perCore = Math.min(threads, size / 1024);
        int want = perCore < 2 ? 1 : Math.max(perCore, size / (4096 + 8));
        assertEquals(want, at.length - 1, what);
        for (int k = 1; k < at.length; k++) {
          assertTrue(at[k] > at[k - 1], what);
          if (k < at.length - 1) {
            assertEquals(0, (at[k] - at[k - 1]) % 8, what);
          }
        }
      }
    }
  }
}
