package dev.a64patch.core.patch;

import java.util.List;

/**
 * The bytes that turn the original file into the patched one: the new ELF header, one word per
 * rewritten site, and the tail appended at {@code tailOffset} (zeros fill the gap from the original
 * end). Everything below the original length other than these stays as it was.
 */
public record PatchImage(
    long originalLength, byte[] header, List<WordEdit> words, long tailOffset, byte[] tail) {

  /** A little-endian instruction word written at a file offset. */
  public record WordEdit(long offset, int word) {}

  public PatchImage {
    words = List.copyOf(words);
  }

  public long length() {
    return tailOffset + tail.length;
  }
}
