package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.demangle.CxxFilt;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The C loops (src/main/c/scanloops.c) against a plain reading of what they must return, on random
 * words, and the scanner with them against the scanner without them, on real files. Under {@code
 * CI=true} the library must be built: .ci/run installs the C compiler.
 */
class NativeLoopsTest {
  @BeforeEach
  void loaded() {
    Tools.assumeAvailable(
        NativeLoops.available(),
        "the scan's C loops are not built (no C compiler when core was built; CI installs gcc)");
  }

  @Test
  void findReturnsEveryWantedReadAndNothingElse() {
    Random random = new Random(1);
    for (int round = 0; round < 200; round++) {
      boolean[] wanted = new boolean[1 << 11];
      for (int i = 0; i < wanted.length; i++) {
        wanted[i] = random.nextInt(8) == 0;
      }
      long[] pairs = randomPairs(random, 1 + random.nextInt(3000), 0.05);
      int n = pairs.length;
      int[] out = new int[2 * n];
      int count = NativeLoops.find(pairs, n, wanted, out);
      List<Integer> expected = new ArrayList<>();
      for (int k = 0; k < 2 * n; k++) {
        int w = word(pairs, k);
        if ((w >>> 16) == 0xD53B && wanted[(w >>> 5) & 0x7FF]) {
          expected.add(k);
        }
      }
      assertEquals(expected, boxed(out, count), "round " + round);
    }
  }

  @Test
  void pickKeepsTheWordsWhosePageIsMarkedAndNothingElse() {
    Random random = new Random(2);
    for (int round = 0; round < 300; round++) {
      byte[] kinds = new byte[256];
      for (int i = 0; i < 256; i++) {
        kinds[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(8) : 0;
      }
      // More words than one block of the C loop (4,096) in some rounds.
      long[] pairs = randomPairs(random, 1 + random.nextInt(5000), 0);
      int n = pairs.length;
      long pc = (random.nextLong() & 0xFF_FFFF_FFFCL) | 0x40_0000L;
      long base = (pc >>> 16) - random.nextInt(40);
      long pages = 1 + random.nextInt(100);
      long[] target = random.nextInt(10) == 0 ? null : bitmap(random, pages);
      long[] source = random.nextInt(10) == 0 ? null : bitmap(random, pages);
      int[] out = new int[2 * n];
      int count = NativeLoops.pick(pairs, n, pc, kinds, target, source, base, pages, out);
      List<Integer> expected = new ArrayList<>();
      for (int k = 0; k < 2 * n; k++) {
        int w = word(pairs, k);
        int kind = kinds[w >>> 24];
        long at = pc + 4L * k;
        boolean kept =
            switch (kind) {
              case 0 -> false;
              case 1, 2 -> marked(target, at + 4L * ((w << 6) >> 6), base, pages);
              case 7 -> marked(target, adr(w, at), base, pages);
              case 5 ->
                  marked(source, at, base, pages)
                      && outsideOrMarked(target, at + 4L * ((w << 13) >> 18), base, pages);
              default ->
                  marked(source, at, base, pages)
                      && outsideOrMarked(target, at + 4L * ((w << 8) >> 13), base, pages);
            };
        if (kept) {
          expected.add(k);
        }
      }
      assertEquals(expected, boxed(out, count), "round " + round);
    }
  }

  @Test
  void theScannerFindsTheSameWithAndWithoutThem() throws Exception {
    int withReads = 0;
    for (Path p : Corpus.withTestData()) {
      Optional<ElfFile> elf = Corpus.readAArch64(p);
      if (elf.isEmpty()) {
        continue;
      }
      ScanOptions options = new ScanOptions(SysReg.all(), 2);
      ScanResult inC = new Scanner(options, CxxFilt.shared(), true).scan(elf.get());
      ScanResult inJava = new Scanner(options, CxxFilt.shared(), false).scan(elf.get());
      assertEquals(inJava, inC, p.toString());
      withReads += inC.findings().isEmpty() ? 0 : 1;
    }
    assertTrue(withReads >= 10, "files with reads compared: " + withReads);
  }

  @Test
  void arraysShorterThanTheCallSaysAreRefusedNotOverrun() {
    long[] pairs = new long[16];
    int[] out = new int[32];
    boolean[] wanted = new boolean[1 << 11];
    byte[] kinds = new byte[256];
    long[] pages = new long[1];
    assertEquals(-1, NativeLoops.find(pairs, 17, wanted, out), "more pairs than the array");
    assertEquals(-1, NativeLoops.find(pairs, 16, wanted, new int[31]), "results past out");
    assertEquals(-1, NativeLoops.find(pairs, 16, new boolean[2047], out), "a short table");
    assertEquals(-1, NativeLoops.find(pairs, -1, wanted, out), "a negative count");
    assertEquals(-1, NativeLoops.pick(pairs, 17, 0, kinds, pages, pages, 0, 64, out));
    assertEquals(-1, NativeLoops.pick(pairs, 16, 0, new byte[255], pages, pages, 0, 64, out));
    assertEquals(-1, NativeLoops.pick(pairs, 16, 0, kinds, pages, pages, 0, 65, out), "bitmap");
    assertEquals(-1, NativeLoops.pick(pairs, 16, 0, kinds, null, pages, 0, 65, out), "bitmap");
    assertEquals(0, NativeLoops.find(pairs, 16, wanted, out), "the same call within bounds");
    assertEquals(0, NativeLoops.pick(pairs, 16, 0, kinds, pages, pages, 0, 64, out));
  }

  private static long[] randomPairs(Random random, int n, double prefixShare) {
    // Top bytes of the kinds the pass looks for, often, and the counter reads' prefix sometimes.
    int[] tops = {
      0x14, 0x17, 0x94, 0x97, 0x54, 0x34, 0xB5, 0x36, 0xB7, 0x18, 0x58, 0x98, 0x1C, 0x10, 0x30,
      0x90, 0xB0, 0xF0
    };
    long[] pairs = new long[n];
    for (int i = 0; i < n; i++) {
      long lo = oneWord(random, tops, prefixShare) & 0xFFFF_FFFFL;
      long hi = oneWord(random, tops, prefixShare) & 0xFFFF_FFFFL;
      pairs[i] = lo | (hi << 32);
    }
    return pairs;
  }

  private static int oneWord(Random random, int[] tops, double prefixShare) {
    if (random.nextDouble() < prefixShare) {
      return 0xD53B0000 | random.nextInt(1 << 16);
    }
    int w = random.nextInt();
    return random.nextBoolean() ? (tops[random.nextInt(tops.length)] << 24) | (w & 0xFFFFFF) : w;
  }

  private static long[] bitmap(Random random, long pages) {
    long[] b = new long[(int) ((pages + 63) / 64)];
    for (int i = 0; i < b.length; i++) {
      b[i] = random.nextLong() & random.nextLong();
    }
    return b;
  }

  private static int word(long[] pairs, int k) {
    return (int) (pairs[k / 2] >>> (32 * (k % 2)));
  }

  /** ADR: pc + immhi:immlo; ADRP: pc's 4 KiB page + immhi:immlo pages. */
  private static long adr(int w, long pc) {
    long imm = ((long) ((w << 8) >> 13) << 2) | ((w >>> 29) & 3);
    return (w & 0x9F000000) == 0x90000000 ? (pc & ~0xFFFL) + (imm << 12) : pc + imm;
  }

  private static boolean marked(long[] pages, long t, long base, long count) {
    if (pages == null) {
      return true;
    }
    long page = (t >>> 16) - base;
    return page >= 0 && page < count && ((pages[(int) (page / 64)] >>> (page % 64)) & 1) != 0;
  }

  /** A target outside the pages may still touch a run from before the first one. */
  private static boolean outsideOrMarked(long[] pages, long t, long base, long count) {
    long page = (t >>> 16) - base;
    return page < 0 || page >= count || marked(pages, t, base, count);
  }

  private static List<Integer> boxed(int[] values, int count) {
    assertTrue(count >= 0, "the C loop could not pin its arrays");
    return Arrays.stream(values, 0, count).boxed().toList();
  }
}
