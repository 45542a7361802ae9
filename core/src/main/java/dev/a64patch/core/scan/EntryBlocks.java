package dev.a64patch.core.scan;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;

/**
 * A table of fixed-size entries made of 64-bit fields (ELF64 relocations), read a block of entries
 * at a time by bulk copy into a {@code long[]}: a large library holds about a million relocations,
 * and one buffer read per field cost patch about 18 ms in the island search and 40 ms of CPU per
 * scan (docs/performance.md, "Fifth round"). A bulk copy from a truncated mapping faults as {@link
 * dev.a64patch.core.io.Mapped#guard} expects.
 *
 * <pre>
 * for (int n; (n = t.next()) &gt; 0; ) {
 *   for (int e = 0; e &lt; n; e += t.stride()) { long field0 = t.block()[e]; ... }
 * }
 * </pre>
 */
final class EntryBlocks {
  private static final int ENTRIES = 1024;

  private final LongBuffer longs;
  private final int stride;
  private final long[] block;
  private int next;

  /** {@code table} (in the file's byte order) of entries of {@code entryBytes}, a multiple of 8. */
  EntryBlocks(ByteBuffer table, int entryBytes) {
    this.stride = entryBytes / 8;
    this.longs = table.limit(table.limit() - table.limit() % entryBytes).asLongBuffer();
    this.block = new long[stride * Math.min(ENTRIES, longs.limit() / stride)];
  }

  /** Longs per entry: field {@code f} of the entry at {@code e} is {@code block()[e + f]}. */
  int stride() {
    return stride;
  }

  /** Copies the next block of entries into {@link #block}; the number of longs, 0 at the end. */
  int next() {
    int n = Math.min(block.length, longs.limit() - next);
    if (n > 0) {
      longs.get(next, block, 0, n);
      next += n;
    }
    return Math.max(n, 0);
  }

  long[] block() {
    return block;
  }
}
