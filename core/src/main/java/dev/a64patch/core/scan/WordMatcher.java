package dev.a64patch.core.scan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;

/**
 * The hot loop: finds the 4-byte-aligned words in a buffer that are MRS reads of chosen registers.
 * Every register of {@link SysReg} shares the top half-word 0xD53B (op0=3, op1=3, L=1:
 * EL0-accessible system register reads), so the loop tests that half-word for two words at a time
 * and only then looks the register bits up in a table. Instructions are little-endian on AArch64
 * whatever the data byte order of the file.
 */
public final class WordMatcher {
  private static final int PREFIX = 0xD53B;
  private static final long PREFIX_PAIR = 0xD53B0000_D53B0000L;
  private static final long HIGH_HALF = 0xFFFF0000_00000000L;
  private static final long LOW_HALF = 0x00000000_FFFF0000L;

  /** Indexed by instruction bits 5..15 (o0 low bits, CRn, CRm, op2): true for a wanted register. */
  private final boolean[] wanted = new boolean[1 << 11];

  public WordMatcher(Set<SysReg> registers) {
    for (SysReg r : registers) {
      if ((r.encoding() >>> 16) != PREFIX) {
        throw new IllegalArgumentException(
            r + " does not share the 0xD53B prefix the matcher relies on");
      }
      wanted[(r.encoding() >>> 5) & 0x7FF] = true;
    }
  }

  /**
   * Offsets (buffer indices) of matching words in [{@code from}, {@code to}); {@code from} must be
   * 4-aligned relative to the instruction stream, words straddling {@code to} are not read.
   */
  public int[] find(ByteBuffer buffer, int from, int to) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Hits hits = new Hits();
    int pairsEnd = from + ((to - from) & ~7);
    // Many short calls rather than one long loop: the JIT compiles a method after a few
    // thousand invocations, whereas one 100 MB loop would run mostly in slower OSR code.
    for (int chunk = from; chunk < pairsEnd; chunk += CHUNK) {
      scanPairs(b, chunk, Math.min(chunk + CHUNK, pairsEnd), hits);
    }
    if (to - pairsEnd >= 4) {
      check(b.getInt(pairsEnd), pairsEnd, hits);
    }
    return hits.toArray();
  }

  private static final int CHUNK = 16 * 1024;

  private void scanPairs(ByteBuffer b, int from, int to, Hits hits) {
    for (int i = from; i < to; i += 8) {
      long x = b.getLong(i) ^ PREFIX_PAIR;
      if ((x & LOW_HALF) == 0 || (x & HIGH_HALF) == 0) {
        check(b.getInt(i), i, hits);
        check(b.getInt(i + 4), i + 4, hits);
      }
    }
  }

  private void check(int word, int at, Hits hits) {
    if ((word >>> 16) == PREFIX && wanted[(word >>> 5) & 0x7FF]) {
      hits.add(at);
    }
  }

  /** A growable int list; findings are rare, so it stays tiny. */
  private static final class Hits {
    private int[] items = new int[8];
    private int size;

    void add(int v) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(items, size);
    }
  }
}
