package dev.a64patch.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A string table (SHT_STRTAB) viewed in place: NUL-terminated strings addressed by byte index. */
final class StringTable {
  private final String file;
  private final ByteBuffer bytes;
  private final long fileOffset;
  private final String what;

  StringTable(String file, ByteBuffer bytes, long fileOffset, String what) {
    this.file = file;
    this.bytes = bytes;
    this.fileOffset = fileOffset;
    this.what = what;
  }

  /** The byte at {@code index}, or 0 outside the table. */
  int byteAt(long index) {
    return index >= 0 && index < bytes.limit() ? bytes.get((int) index) & 0xff : 0;
  }

  /** The string at {@code index}; the field name is used in the error when it is out of range. */
  String get(long index, String field, long fieldOffset) {
    int limit = bytes.limit();
    if (index < 0 || index >= limit) {
      if (index == 0 && limit == 0) {
        return "";
      }
      throw new ElfFormatException(
          file,
          fieldOffset,
          field,
          String.format("name index 0x%x is past the end of %s (size 0x%x)", index, what, limit));
    }
    int start = (int) index;
    int end = start;
    while (end < limit && bytes.get(end) != 0) {
      end++;
    }
    if (end == limit) {
      throw new ElfFormatException(
          file,
          fileOffset + start,
          field,
          String.format("string at index 0x%x of %s has no terminating NUL", index, what));
    }
    byte[] b = new byte[end - start];
    bytes.get(start, b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
