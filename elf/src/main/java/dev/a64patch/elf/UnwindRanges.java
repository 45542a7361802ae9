package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Function extents from the unwind tables: the sorted search table of {@code .eh_frame_hdr} (found
 * through PT_GNU_EH_FRAME, so it works without section headers) gives each FDE's start, and the FDE
 * in {@code .eh_frame} its length. Stripped libraries keep these tables because exceptions and
 * backtraces need them, so they tell code from data even where no symbol names the function.
 * Lookups binary-search the table in place, so a library with 100 000 FDEs costs a few reads per
 * address; a caller that asks thousands of times (the island search asks about every span of
 * padding) gets the table's start column decoded once into an array after {@link #IN_PLACE_LOOKUPS}
 * lookups. Files without {@code .eh_frame_hdr} (static executables linked without {@code
 * --eh-frame-hdr}, as GCC does for {@code -static}) are indexed by walking {@code .eh_frame} itself
 * once, found by its section header. Format: LSB 5.0 "Exception Frames" and ".eh_frame_hdr".
 */
public final class UnwindRanges {
  /** One FDE's code range [start, end). */
  public record Range(long start, long end) {}

  private static final int DW_EH_PE_OMIT = 0xff;

  private final ElfFile elf;
  private final ByteBuffer buf;
  private final Map<Long, Integer> cieEncodings = new HashMap<>();
  private long tableOffset = -1;
  private long hdrVaddr;
  private long hdrOff;
  private int tableEnc;
  private int entrySize;
  private long count;

  /**
   * Lookups answered from the table in place before its start column is decoded into {@link
   * #tableStarts}: a scan asks a few times per finding and never pays for decoding a table of a
   * hundred thousand entries; the island search asks hundreds of thousands of times.
   */
  private static final int IN_PLACE_LOOKUPS = 4096;

  /** Largest search table decoded into arrays (8 MiB of starts, 8 MiB of lengths). */
  private static final long MAX_DECODED = 1 << 20;

  private int lookups;

  /** The search table's initial locations, decoded, once asked often enough; else null. */
  private long[] tableStarts;

  /** With {@link #tableStarts}: each FDE's pc_range once read, else -1. */
  private long[] tableLengths;

  /** FDE ranges read from .eh_frame when there is no search table: sorted starts and ends. */
  private long[] starts;

  private long[] ends;

  private UnwindRanges(ElfFile elf) {
    this.elf = elf;
    this.buf =
        elf.bytes()
            .order(elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
  }

  /**
   * The index of a file's {@code .eh_frame_hdr}; empty (every lookup misses) when the file has none
   * or uses encodings this reader does not handle. Malformed tables give misses rather than errors:
   * unwind info only refines how sure a finding is.
   */
  public static UnwindRanges of(ElfFile elf) {
    UnwindRanges u = new UnwindRanges(elf);
    try {
      u.readHeader();
    } catch (RuntimeException e) {
      u.tableOffset = -1;
    }
    if (u.tableOffset < 0 && elf.header().type() != ET_REL) {
      try {
        u.readEhFrame();
      } catch (RuntimeException e) {
        u.starts = null;
      }
    }
    return u;
  }

  /** Number of FDEs in the search table (0 when unusable). */
  public long size() {
    return starts != null ? starts.length : tableOffset < 0 ? 0 : count;
  }

  /** The FDE range holding {@code address}, if any. */
  public Optional<Range> rangeAt(long address) {
    if (starts != null) {
      return walkedRangeAt(address);
    }
    if (tableOffset < 0) {
      return Optional.empty();
    }
    try {
      counted();
      long lo = 0;
      long hi = count - 1;
      long found = -1;
      while (lo <= hi) {
        long mid = (lo + hi) >>> 1;
        if (Long.compareUnsigned(start(mid), address) <= 0) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      if (found < 0) {
        return Optional.empty();
      }
      long start = start(found);
      long length = length(found);
      return length > 0 && Long.compareUnsigned(address - start, length) < 0
          ? Optional.of(new Range(start, start + length))
          : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The FDE range that holds {@code from}, else the first one starting in [{@code from}, {@code
   * to}); empty when no FDE touches that span. Unreadable tables answer empty, as {@link #rangeAt}.
   */
  public Optional<Range> firstOverlap(long from, long to) {
    Optional<Range> at = rangeAt(from);
    if (at.isPresent()) {
      return at;
    }
    if (starts != null) {
      int i = java.util.Arrays.binarySearch(starts, from);
      i = i >= 0 ? i : -i - 1;
      return i < starts.length && Long.compareUnsigned(starts[i], to) < 0
          ? Optional.of(new Range(starts[i], ends[i]))
          : Optional.empty();
    }
    if (tableOffset < 0) {
      return Optional.empty();
    }
    try {
      long lo = 0;
      long hi = count - 1;
      long found = count;
      while (lo <= hi) {
        long mid = (lo + hi) >>> 1;
        if (Long.compareUnsigned(start(mid), from) >= 0) {
          found = mid;
          hi = mid - 1;
        } else {
          lo = mid + 1;
        }
      }
      if (found >= count || Long.compareUnsigned(start(found), to) >= 0) {
        return Optional.empty();
      }
      long start = start(found);
      return Optional.of(new Range(start, start + Math.max(4, length(found))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * The pc_range of the FDE of search-table entry {@code i}; remembered once the table is decoded
   * (the island search asks about the same FDE twice per span of padding).
   */
  private long length(long i) {
    if (tableLengths == null) {
      return fdeLength(entry(i, 1));
    }
    long known = tableLengths[(int) i];
    if (known < 0) {
      known = fdeLength(entry(i, 1));
      tableLengths[(int) i] = known;
    }
    return known;
  }

  /** The initial location of search-table entry {@code i}. */
  private long start(long i) {
    return tableStarts != null ? tableStarts[(int) i] : entry(i, 0);
  }

  /**
   * Counts a lookup in the search table and decodes its start column once there were {@link
   * #IN_PLACE_LOOKUPS}. A table with an undecodable entry stays in place: lookups that never touch
   * that entry still answer, as they did.
   */
  private void counted() {
    if (tableStarts != null || lookups++ != IN_PLACE_LOOKUPS || count > MAX_DECODED) {
      return;
    }
    long[] decoded = new long[(int) count];
    try {
      for (int i = 0; i < decoded.length; i++) {
        decoded[i] = entry(i, 0);
      }
    } catch (RuntimeException e) {
      return;
    }
    tableLengths = new long[decoded.length];
    java.util.Arrays.fill(tableLengths, -1);
    tableStarts = decoded;
  }

  /**
   * Field {@code which} (0 = initial location, 1 = FDE address) of search-table entry {@code i}.
   */
  private long entry(long i, int which) {
    long at = tableOffset + i * entrySize * 2L + (long) which * entrySize;
    return new Cursor(at, hdrVaddr + (at - hdrOff), elf.size(), hdrVaddr).encoded(tableEnc);
  }

  private void readHeader() {
    Optional<ElfSegment> hdrSegment =
        elf.segments().stream().filter(s -> s.type() == PT_GNU_EH_FRAME).findFirst();
    if (hdrSegment.isEmpty() || hdrSegment.get().filesz() < 12) {
      return;
    }
    long hdrVaddr = hdrSegment.get().vaddr();
    long hdrOff = hdrSegment.get().offset();
    long hdrEnd = hdrOff + hdrSegment.get().filesz();
    Cursor c = new Cursor(hdrOff, hdrVaddr, hdrEnd, hdrVaddr);
    if (c.u8() != 1) {
      return;
    }
    int ehFramePtrEnc = c.u8();
    int countEnc = c.u8();
    int tableEnc = c.u8();
    if (countEnc == DW_EH_PE_OMIT || tableEnc == DW_EH_PE_OMIT) {
      return;
    }
    c.encoded(ehFramePtrEnc);
    long n = c.encoded(countEnc);
    int size =
        switch (tableEnc & 0x0f) {
          case 0x02, 0x0a -> 2;
          case 0x03, 0x0b -> 4;
          case 0x04, 0x0c -> 8;
          default -> 0; // variable-size entries cannot be binary-searched in place
        };
    if (size == 0 || n <= 0 || n > (hdrEnd - c.off) / (2L * size)) {
      return;
    }
    this.hdrVaddr = hdrVaddr;
    this.tableEnc = tableEnc;
    this.entrySize = size;
    this.count = n;
    this.hdrOff = hdrOff;
    this.tableOffset = c.off;
  }

  private Optional<Range> walkedRangeAt(long address) {
    int lo = 0;
    int hi = starts.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(starts[mid], address) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    // FDEs rarely nest; look back a little for an enclosing longer one.
    for (int i = found; i >= 0 && i > found - 8; i--) {
      if (Long.compareUnsigned(address - starts[i], ends[i] - starts[i]) < 0) {
        return Optional.of(new Range(starts[i], ends[i]));
      }
    }
    return Optional.empty();
  }

  /** Largest number of FDEs read from one .eh_frame (each takes at least 16 bytes). */
  private static final int MAX_FDES = 1 << 22;

  /**
   * Walks every record of the {@code .eh_frame} section (CIEs and FDEs, up to the zero terminator)
   * and keeps each FDE's [pc_begin, pc_begin + pc_range).
   */
  private void readEhFrame() {
    Optional<ElfSection> section =
        elf.sections().stream()
            .filter(s -> s.name().equals(".eh_frame") && s.type() == SHT_PROGBITS)
            .findFirst();
    if (section.isEmpty() || section.get().offset() + section.get().size() > elf.size()) {
      return;
    }
    ElfSection s = section.get();
    long end = s.offset() + s.size();
    long[] st = new long[64];
    long[] en = new long[64];
    int n = 0;
    long at = s.offset();
    while (at + 4 <= end && n < MAX_FDES) {
      Cursor c = new Cursor(at, s.addr() + (at - s.offset()), end, 0);
      long length = c.u32();
      if (length == 0) {
        break; // terminator
      }
      if (length == 0xffffffffL) {
        length = c.u64();
      }
      long next = c.off + length;
      if (length < 4 || next > end || next < c.off) {
        break;
      }
      long ciePointerAt = c.off;
      long ciePointer = c.u32();
      if (ciePointer != 0) {
        int enc = cieEncoding(ciePointerAt - ciePointer);
        long start = c.encoded(enc);
        long range = c.encoded(enc & 0x0f);
        if (range > 0 && start != 0) {
          if (n == st.length) {
            st = java.util.Arrays.copyOf(st, n * 2);
            en = java.util.Arrays.copyOf(en, n * 2);
          }
          st[n] = start;
          en[n] = start + range;
          n++;
        }
      }
      at = next;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    final long[] fs = st;
    java.util.Arrays.sort(order, (a, b) -> Long.compareUnsigned(fs[a], fs[b]));
    long[] sortedStarts = new long[n];
    long[] sortedEnds = new long[n];
    for (int i = 0; i < n; i++) {
      sortedStarts[i] = st[order[i]];
      sortedEnds[i] = en[order[i]];
    }
    this.starts = sortedStarts;
    this.ends = sortedEnds;
  }

  /** pc_range of the FDE at virtual address {@code fdeVaddr}, or 0 when it cannot be read. */
  private long fdeLength(long fdeVaddr) {
    long off = elf.offsetOf(fdeVaddr).orElse(-1L);
    if (off < 0) {
      return 0;
    }
    Cursor c = new Cursor(off, fdeVaddr, elf.size(), 0);
    long length = c.u32();
    if (length == 0xffffffffL) {
      c.u64();
    }
    long ciePointerAt = c.off;
    long ciePointer = c.u32();
    if (ciePointer == 0) {
      return 0; // a CIE, not an FDE
    }
    int enc = cieEncoding(ciePointerAt - ciePointer);
    c.encoded(enc); // pc_begin (the search table already gave it)
    return c.encoded(enc & 0x0f); // pc_range: same size, no application modifier
  }

  /** The FDE pointer encoding a CIE declares with augmentation 'R' (absptr when absent). */
  private int cieEncoding(long cieOffset) {
    return cieEncodings.computeIfAbsent(
        cieOffset,
        at -> {
          Cursor c = new Cursor(at, 0, elf.size(), 0);
          long length = c.u32();
          if (length == 0xffffffffL) {
            c.u64();
          }
          c.u32(); // CIE id
          int version = c.u8();
          StringBuilder aug = new StringBuilder();
          for (int ch = c.u8(); ch != 0; ch = c.u8()) {
            aug.append((char) ch);
          }
          c.uleb(); // code alignment
          c.sleb(); // data alignment
          if (version == 1) c.u8();
          else c.uleb(); // return address register
          if (aug.length() == 0 || aug.charAt(0) != 'z') {
            return 0;
          }
          c.uleb(); // augmentation data length
          for (int i = 1; i < aug.length(); i++) {
            switch (aug.charAt(i)) {
              case 'R' -> {
                return c.u8();
              }
              case 'P' -> c.encoded(c.u8());
              case 'L' -> c.u8();
              default -> {}
            }
          }
          return 0;
        });
  }

  /**
   * Reads DWARF-encoded values at a file offset, knowing the matching virtual address for
   * pc-relative ones.
   */
  private final class Cursor {
    long off;
    final long vaddrAtStart;
    final long startOff;
    final long end;
    final long dataBase;

    Cursor(long off, long vaddr, long end, long dataBase) {
      this.off = off;
      this.startOff = off;
      this.vaddrAtStart = vaddr;
      this.end = end;
      this.dataBase = dataBase;
    }

    private void need(int n) {
      if (off < 0 || off + n > end) {
        throw new IndexOutOfBoundsException("unwind table runs past 0x" + Long.toHexString(end));
      }
    }

    int u8() {
      need(1);
      return buf.get((int) off++) & 0xff;
    }

    long u32() {
      need(4);
      long v = buf.getInt((int) off) & 0xffffffffL;
      off += 4;
      return v;
    }

    long u64() {
      need(8);
      long v = buf.getLong((int) off);
      off += 8;
      return v;
    }

    long uleb() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) return v;
      }
      throw new IllegalStateException("ULEB128 too long");
    }

    long sleb() {
      long v = 0;
      int shift = 0;
      int b;
      do {
        b = u8();
        v |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0 && shift < 64);
      if (shift < 64 && (b & 0x40) != 0) v |= -1L << shift;
      return v;
    }

    long encoded(int enc) {
      if (enc == DW_EH_PE_OMIT) {
        return 0;
      }
      long pc = vaddrAtStart + (off - startOff);
      long v =
          switch (enc & 0x0f) {
            case 0x00 -> u64();
            case 0x01 -> uleb();
            case 0x02 -> {
              need(2);
              long x = buf.getShort((int) off) & 0xffff;
              off += 2;
              yield x;
            }
            case 0x03 -> u32();
            case 0x04 -> u64();
            case 0x09 -> sleb();
            case 0x0a -> {
              need(2);
              long x = buf.getShort((int) off);
              off += 2;
              yield x;
            }
            case 0x0b -> {
              need(4);
              long x = buf.getInt((int) off);
              off += 4;
              yield x;
            }
            case 0x0c -> u64();
            default ->
                throw new IllegalStateException("pointer encoding 0x" + Integer.toHexString(enc));
          };
      return switch (enc & 0x70) {
        case 0x00 -> v;
        case 0x10 -> pc + v;
        case 0x30 -> dataBase + v;
        default ->
            throw new IllegalStateException("pointer application 0x" + Integer.toHexString(enc));
      };
    }
  }
}
