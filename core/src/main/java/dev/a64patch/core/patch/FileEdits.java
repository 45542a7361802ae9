package dev.a64patch.core.patch;

import dev.a64patch.core.io.Mapped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The writes that turn a file into another: the first {@code originalLength} bytes of the source,
 * then each edit at its offset, in order. Bytes between the original end and an edit past it read
 * as zeros. Everything else stays as it was. Patching, restoring and copying all produce one of
 * these, and {@link PatchWriter} applies it.
 *
 * @param length the length of the result
 * @param sha256 the SHA-256 the result must have (a restored original), or null when not known
 */
public record FileEdits(long originalLength, long length, List<Edit> edits, String sha256) {

  public FileEdits(long originalLength, long length, List<Edit> edits) {
    this(originalLength, length, edits, null);
  }

  /** These edits, whose result must have the SHA-256 {@code sha}. */
  FileEdits withSha256(String sha) {
    return new FileEdits(originalLength, length, edits, sha);
  }

  /** {@code bytes} written at file offset {@code offset}; {@code what} names it for messages. */
  public record Edit(long offset, byte[] bytes, String what) {
    public long end() {
      return offset + bytes.length;
    }
  }

  public FileEdits {
    edits = List.copyOf(edits);
  }

  /** Receives the result in order, one chunk at a time. */
  public interface Sink {
    void accept(ByteBuffer chunk) throws IOException;
  }

  private static final int CHUNK = 1 << 20;

  /**
   * Produces the result from {@code source} (the original, position 0) in order, in pieces of at
   * most 1 MiB: read-only views of {@code source} where it is unchanged (a mapping is passed on,
   * not copied), the edits' own bytes, and zeros between the original end and an edit past it. No
   * copy of the whole file is ever held in memory.
   */
  public void render(ByteBuffer source, Sink sink) throws IOException {
    checkSource(source);
    render(source, sortedEdits(), 0, length, sink);
  }

  private void checkSource(ByteBuffer source) throws IOException {
    if (source.limit() < originalLength) {
      throw new IOException(
          "source has "
              + source.limit()
              + " bytes, fewer than the "
              + originalLength
              + " expected");
    }
  }

  /** The result's bytes [from, to), as {@link #render(ByteBuffer, Sink)} gives them all. */
  private void render(ByteBuffer source, List<Edit> sorted, long from, long to, Sink sink)
      throws IOException {
    long at = from;
    for (Edit e : sorted) {
      if (e.end() <= at) {
        continue;
      }
      if (e.offset() >= to) {
        break;
      }
      unchanged(source, at, e.offset(), sink);
      int start = (int) (Math.max(at, e.offset()) - e.offset());
      int end = (int) (Math.min(to, e.end()) - e.offset());
      sink.accept(ByteBuffer.wrap(e.bytes(), start, end - start).slice().asReadOnlyBuffer());
      at = e.offset() + end;
    }
    unchanged(source, at, to, sink);
  }

  /** The edits by offset; two that overlap are a bug in whatever made them. */
  List<Edit> sortedEdits() {
    List<Edit> sorted = edits.stream().sorted(Comparator.comparingLong(Edit::offset)).toList();
    long at = 0;
    for (Edit e : sorted) {
      if (e.offset() < at) {
        throw new IllegalStateException(
            String.format(
                "layout inconsistency: %s at 0x%x overlaps the edit ending at 0x%x",
                e.what(), e.offset(), at));
      }
      at = e.end();
    }
    return sorted;
  }

  /** The bytes [from, to) no edit covers: the source's, then zeros past its end. */
  private void unchanged(ByteBuffer source, long from, long to, Sink sink) throws IOException {
    for (long at = from; at < to; ) {
      int n = (int) Math.min(CHUNK, to - at);
      if (at < originalLength) {
        n = (int) Math.min(n, originalLength - at);
        sink.accept(source.slice((int) at, n).asReadOnlyBuffer());
      } else {
        sink.accept(ByteBuffer.allocate(n));
      }
      at += n;
    }
  }

  /** The SHA-256 of the result, computed without writing it. */
  public String digest(ByteBuffer source) throws IOException {
    try (Sha256.Running d = Sha256.running()) {
      render(source, d::update);
      return d.hex();
    }
  }

  /**
   * True when the result is {@code expected} byte for byte, its length too: compared piece by piece
   * at the speed of reading memory, where a digest would cost a SHA-256 pass.
   */
  public boolean renders(ByteBuffer source, ByteBuffer expected) throws IOException {
    if (length != expected.limit()) {
      return false;
    }
    checkSource(source);
    List<Edit> sorted = sortedEdits();
    // In slices, on every core: the proof compares while its verify half runs, and waits for the
    // compare when verify is done (docs/performance.md, "Eighth round").
    int slices = (int) Math.max(1, Math.min(length / COMPARE_SLICE, Integer.MAX_VALUE));
    if (slices == 1) {
      return renders(source, sorted, 0, length, expected);
    }
    long step = length / slices;
    try {
      return IntStream.range(0, slices)
          .parallel()
          .allMatch(
              k -> {
                long from = k * step;
                long to = k == slices - 1 ? length : from + step;
                try {
                  return renders(source, sorted, from, to, expected);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Below this a slice of a compare is not worth a thread of its own. */
  static final long COMPARE_SLICE = 8 << 20;

  /** True when the result's bytes [from, to) are {@code expected}'s. */
  private boolean renders(
      ByteBuffer source, List<Edit> sorted, long from, long to, ByteBuffer expected)
      throws IOException {
    long[] at = {from};
    boolean[] same = {true};
    render(
        source,
        sorted,
        from,
        to,
        piece -> {
          int n = piece.remaining();
          if (same[0] && !Mapped.same(piece, expected.slice((int) at[0], n))) {
            same[0] = false;
          }
          at[0] += n;
        });
    return same[0];
  }

  /** The source unchanged. */
  static FileEdits none(long length) {
    return new FileEdits(length, length, List.of());
  }

  /** Collects edits; {@link #write} is the one way bytes get into a result. */
  static final class Recorder {
    private final long originalLength;
    private final List<Edit> edits = new ArrayList<>();
    private final TreeMap<Long, Edit> byOffset = new TreeMap<>();
    private long length;

    Recorder(long originalLength) {
      this.originalLength = originalLength;
      this.length = originalLength;
    }

    /** Records {@code bytes} at {@code offset}, refusing overlap with an earlier edit. */
    void write(long offset, byte[] bytes, String what) {
      adopt(offset, bytes.clone(), what);
    }

    /**
     * {@link #write}, keeping {@code bytes} itself: for an array its maker gives up, such as a
     * section built for the image. The shared clock's copy of a large {@code .rela.dyn} is 11 MB,
     * whose copy cost 8-10 ms and as much heap again (docs/performance.md, "Eighth round").
     */
    void adopt(long offset, byte[] bytes, String what) {
      Edit edit = new Edit(offset, bytes, what);
      Map.Entry<Long, Edit> before = byOffset.floorEntry(offset);
      Map.Entry<Long, Edit> after = byOffset.ceilingEntry(offset);
      for (Map.Entry<Long, Edit> near : Arrays.asList(before, after)) {
        Edit e = near == null ? null : near.getValue();
        if (e != null && offset < e.end() && e.offset() < edit.end()) {
          throw new IllegalStateException(
              String.format(
                  "layout inconsistency: %s at 0x%x..0x%x overlaps %s at 0x%x..0x%x",
                  what, offset, edit.end(), e.what(), e.offset(), e.end()));
        }
      }
      byOffset.put(offset, edit);
      edits.add(edit);
      length = Math.max(length, offset + bytes.length);
    }

    /** An instruction word: always little-endian, whatever the file's byte order. */
    void writeWord(long offset, int word, String what) {
      write(
          offset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(word).array(), what);
    }

    /** The end of everything written so far (at least the original length). */
    long end() {
      return length;
    }

    FileEdits edits() {
      return new FileEdits(originalLength, length, edits);
    }
  }
}
