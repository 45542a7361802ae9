package dev.a64patch.core.patch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writes that turn a file into another: the first {@code originalLength} bytes of the source,
 * then each edit at its offset, in order. Bytes between the original end and an edit past it read
 * as zeros. Everything else stays as it was. Patching, restoring and copying all produce one of
 * these, and {@link PatchWriter} applies it.
 *
 * @param length the length of the result
 */
public record FileEdits(long originalLength, long length, List<Edit> edits) {

  /** {@code bytes} written at file offset {@code offset}; {@code what} names it for messages. */
  public record Edit(long offset, byte[] bytes, String what) {
    public long end() {
      return offset + bytes.length;
    }
  }

  public FileEdits {
    edits = List.copyOf(edits);
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
      Edit edit = new Edit(offset, bytes.clone(), what);
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
