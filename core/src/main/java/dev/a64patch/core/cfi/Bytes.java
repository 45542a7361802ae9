package dev.a64patch.core.cfi;

import static dev.a64patch.core.cfi.Dwarf.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads DWARF values from a byte range that is loaded at a known virtual address, so that
 * pc-relative pointers resolve to addresses. Every read is bounds-checked; running off the end
 * throws {@link Truncated}, which callers turn into a message naming the table.
 */
final class Bytes {
  /** A read past the end of the range, or an encoding this reader does not handle. */
  static final class Truncated extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final long vaddr;

    Truncated(long vaddr, String what) {
      super(what);
      this.vaddr = vaddr;
    }
  }

  private final ByteBuffer buf;
  private final long base; // vaddr of buf[0]
  private final long dataBase;
  private int pos;

  /**
   * @param bytes the range, position 0 = {@code vaddr}
   * @param dataBase what DW_EH_PE_datarel is relative to (the start of .eh_frame_hdr)
   */
  Bytes(ByteBuffer bytes, long vaddr, boolean littleEndian, long dataBase) {
    this.buf =
        bytes.duplicate().order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    this.base = vaddr;
    this.dataBase = dataBase;
  }

  int limit() {
    return buf.limit();
  }

  long vaddr() {
    return base + pos;
  }

  int pos() {
    return pos;
  }

  void seek(long vaddr) {
    long p = vaddr - base;
    if (p < 0 || p > buf.limit()) {
      throw new Truncated(vaddr, String.format("address 0x%x outside the table", vaddr));
    }
    pos = (int) p;
  }

  private void need(int n) {
    if (pos + n > buf.limit()) {
      throw new Truncated(vaddr(), String.format("runs past 0x%x", base + buf.limit()));
    }
  }

  int u8() {
    need(1);
    return buf.get(pos++) & 0xff;
  }

  int u16() {
    need(2);
    int v = buf.getShort(pos) & 0xffff;
    pos += 2;
    return v;
  }

  long u32() {
    need(4);
    long v = buf.getInt(pos) & 0xffffffffL;
    pos += 4;
    return v;
  }

  long s32() {
    need(4);
    long v = buf.getInt(pos);
    pos += 4;
    return v;
  }

  long u64() {
    need(8);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  byte[] bytes(long n) {
    if (n < 0 || n > buf.limit() - pos) {
      throw new Truncated(vaddr(), String.format("%d bytes run past 0x%x", n, base + buf.limit()));
    }
    byte[] out = new byte[(int) n];
    buf.get(pos, out);
    pos += (int) n;
    return out;
  }

  long uleb() {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int b = u8();
      if (shift < 64) {
        v |= (long) (b & 0x7f) << shift;
      }
      if ((b & 0x80) == 0) {
        return v;
      }
    }
  }

  long sleb() {
    long v = 0;
    int shift = 0;
    int b;
    do {
      b = u8();
      if (shift < 64) {
        v |= (long) (b & 0x7f) << shift;
      }
      shift += 7;
    } while ((b & 0x80) != 0);
    if (shift < 64 && (b & 0x40) != 0) {
      v |= -1L << shift;
    }
    return v;
  }

  String cString() {
    StringBuilder s = new StringBuilder();
    for (int c = u8(); c != 0; c = u8()) {
      s.append((char) c);
    }
    return s.toString();
  }

  /** A pointer in encoding {@code enc}; pc-relative ones are resolved to addresses. */
  long pointer(int enc) {
    if (enc == PE_OMIT) {
      return 0;
    }
    long at = vaddr();
    long v =
        switch (enc & 0x0f) {
          case PE_ABSPTR, PE_UDATA8, PE_SDATA8 -> u64();
          case PE_ULEB128 -> uleb();
          case PE_UDATA2 -> u16();
          case PE_UDATA4 -> u32();
          case PE_SLEB128 -> sleb();
          case PE_SDATA2 -> (short) u16();
          case PE_SDATA4 -> s32();
          default -> throw new Truncated(at, String.format("pointer format 0x%02x", enc));
        };
    return switch (enc & 0x70) {
      case 0 -> v;
      case PE_PCREL -> at + v;
      case PE_DATAREL -> dataBase + v;
      default -> throw new Truncated(at, String.format("pointer application 0x%02x", enc));
    };
  }

  /** Size in bytes of a fixed-size encoding, or 0 for LEB128 and omitted. */
  static int fixedSize(int enc) {
    return switch (enc & 0x0f) {
      case PE_ABSPTR, PE_UDATA8, PE_SDATA8 -> 8;
      case PE_UDATA2, PE_SDATA2 -> 2;
      case PE_UDATA4, PE_SDATA4 -> 4;
      default -> 0;
    };
  }
}
