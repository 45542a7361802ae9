package dev.a64patch.core.scan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.IntStream;

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

  /** Indexed by instruction bits 5..15 (o0 low bits, CRn, CRm, op2): true for a wanted register. */
  private final boolean[] wanted = new boolean[1 << 11];

  /** Whether {@link NativeLoops#find} does the word loop. */
  private final boolean inC;

  public WordMatcher(Set<SysReg> registers) {
    this(registers, NativeLoops.available());
  }

  /** With the C loop ({@code inC}, when loaded) or the Java loop: tests compare both. */
  WordMatcher(Set<SysReg> registers, boolean inC) {
    this.inC = inC && NativeLoops.available();
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
   * 4-aligned relative to the instruction stream, words straddling {@code to} are not read. Regions
   * of {@link #PARALLEL_BYTES} or more are cut into one slice per core and searched in parallel
   * (the common fork-join pool); hits come back in ascending order either way.
   */
  public int[] find(ByteBuffer buffer, int from, int to) {
    return find(buffer, from, to, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #find(ByteBuffer, int, int)} with {@code threads} cores to share the work. */
  int[] find(ByteBuffer buffer, int from, int to, int threads) {
    int[] at = slices(from, to, threads, PARALLEL_BYTES, SLICE_BYTES);
    if (at.length == 2) {
      return findSequential(buffer, from, to);
    }
    return IntStream.range(0, at.length - 1)
        .parallel()
        .mapToObj(k -> findSequential(buffer, at[k], at[k + 1]))
        .flatMapToInt(IntStream::of)
        .toArray();
  }

  /** Below this a region is searched by the calling thread: a fork costs more than it saves. */
  static final int PARALLEL_BYTES = 16 << 20;

  /**
   * True when a file with {@code codeBytes} of code is worth reading something else on another of
   * {@code threads} cores while its code is searched (the serial parts of a large scan).
   */
  static boolean worthWorkAside(long codeBytes, int threads, int minBytes) {
    return threads > 1 && codeBytes >= 2L * minBytes;
  }

  /**
   * Bytes per slice of a region searched in parallel, about: several slices per core, so that a
   * core that finishes early (the other one was shared with another process) takes the next slice
   * instead of waiting.
   */
  static final int SLICE_BYTES = 4 << 20;

  /**
   * The bounds of the slices of [from, to): {@code from}, the inner bounds (each 8 bytes apart from
   * the one before, times some number), {@code to}. One slice (two bounds) unless {@code threads}
   * cores can each take {@code minBytes}; then one per core, or one per {@code sliceBytes} if that
   * makes more.
   */
  static int[] slices(int from, int to, int threads, int minBytes, int sliceBytes) {
    int perCore = Math.min(threads, (to - from) / minBytes);
    if (perCore < 2) {
      return new int[] {from, to};
    }
    int count = Math.max(perCore, (to - from) / sliceBytes);
    int step = ((to - from) / count) & ~7;
    int[] at = new int[count + 1];
    for (int k = 0; k < count; k++) {
      at[k] = from + k * step;
    }
    at[count] = to;
    return at;
  }

  private int[] findSequential(ByteBuffer buffer, int from, int to) {
    ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Hits hits = new Hits();
    int pairsEnd = from + ((to - from) & ~7);
    // The words are copied a chunk at a time into a long[] (a bulk copy, an intrinsic) and
    // tested there: under C1, which the launcher uses, an array loop runs about twice as fast
    // as ByteBuffer.getLong per word. Many short calls rather than one long loop: the JIT
    // compiles a method after a few thousand invocations, whereas one 100 MB loop would run
    // mostly in slower on-stack-replacement code. The C loop reads the copy too, never the file:
    // a file truncated under the copy faults there, into an exception (see Mapped), where in C
    // it would kill the process. Each word the C loop returns is checked again here.
    int chunkBytes = chunkBytes(inC, pairsEnd - from);
    long[] pairs = new long[chunkBytes / 8];
    int[] found = inC ? new int[chunkBytes / 4] : null;
    LongBuffer words =
        b.duplicate()
            .position(from)
            .limit(pairsEnd)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN)
            .asLongBuffer();
    for (int chunk = from; chunk < pairsEnd; chunk += chunkBytes) {
      int n = Math.min(pairs.length, words.remaining());
      words.get(pairs, 0, n);
      int count = found == null ? -1 : NativeLoops.find(pairs, n, wanted, found);
      if (count < 0) {
        scanPairs(pairs, n, b, chunk, hits);
      }
      for (int j = 0; j < count; j++) {
        int k = found[j];
        check((int) (pairs[k >>> 1] >>> ((k & 1) << 5)), chunk + 4 * k, hits);
      }
    }
    if (to - pairsEnd >= 4) {
      check(b.getInt(pairsEnd), pairsEnd, hits);
    }
    return hits.toArray();
  }

  private static final int CHUNK = 16 * 1024;

  /**
   * Bytes per chunk for {@code bytes} to search, a multiple of 8: no more than they need, since a
   * batch scan searches thousands of small files, each with arrays of its own (arrays of 64 KiB for
   * every file made a scan of a library folder about 7% slower).
   */
  static int chunkBytes(boolean inC, int bytes) {
    return Math.max(8, Math.min(inC ? C_CHUNK : CHUNK, (bytes + 7) & ~7));
  }

  /**
   * Bytes per call of the C loop: larger, since what it saves is the interpreted and JNI work per
   * chunk (the chunk loop runs once per slice and is never compiled).
   */
  static final int C_CHUNK = 64 * 1024;

  private void scanPairs(long[] pairs, int n, ByteBuffer b, int base, Hits hits) {
    // Two pairs per iteration (C1 does not unroll) and one test for all four words: a half-word
    // equal to the prefix is a zero 16-bit lane after the XOR, the other lanes are set to ones,
    // and (v - 1) & ~v has the top bit of a lane set from the lowest zero lane on. So the test
    // is true when some word of the four has the prefix (rarely), and exact then by check.
    int k = 0;
    for (; k + 1 < n; k += 2) {
      long x = (pairs[k] ^ PREFIX_PAIR) | LOW_LANES;
      long y = (pairs[k + 1] ^ PREFIX_PAIR) | LOW_LANES;
      if (((((x - LANE_ONES) & ~x) | ((y - LANE_ONES) & ~y)) & LANE_TOPS) != 0) {
        checkPair(b, base + 8 * k, hits);
        checkPair(b, base + 8 * k + 8, hits);
      }
    }
    if (k < n) {
      checkPair(b, base + 8 * k, hits);
    }
  }

  /** The low half-word of each word of a pair, which the prefix test ignores. */
  private static final long LOW_LANES = 0x0000FFFF_0000FFFFL;

  private static final long LANE_ONES = 0x0001_0001_0001_0001L;

  private static final long LANE_TOPS = 0x8000_8000_8000_8000L;

  private void checkPair(ByteBuffer b, int i, Hits hits) {
    check(b.getInt(i), i, hits);
    check(b.getInt(i + 4), i + 4, hits);
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
