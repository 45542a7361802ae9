package dev.a64patch.core.cfi;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfFormatException;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code .eh_frame_hdr} (LSB 5.0): version 1, the address of .eh_frame, and the binary-search table
 * of (initial location, FDE address) pairs that libgcc and LLVM's libunwind search through
 * PT_GNU_EH_FRAME. The table this class writes always uses {@code DW_EH_PE_datarel|sdata4} relative
 * to its own start, the only table encoding libgcc binary-searches.
 */
public final class EhFrameHdr {
  /** One search-table entry. */
  public record Entry(long pc, long fde) {}

  public static final int HEADER_SIZE = 12;
  public static final int ENTRY_SIZE = 8;
  private static final int TABLE_ENCODING = Dwarf.PE_DATAREL | Dwarf.PE_SDATA4;

  private EhFrameHdr() {}

  private static Optional<ElfSegment> segment(ElfFile elf) {
    return elf.segments().stream().filter(s -> s.type() == PT_GNU_EH_FRAME).findFirst();
  }

  private static Bytes open(ElfFile elf, ElfSegment s) {
    if (s.offset() + s.filesz() > elf.size()) {
      throw new ElfFormatException(
          elf.name(), s.offset(), "PT_GNU_EH_FRAME", "segment runs past the end of the file");
    }
    return new Bytes(
        elf.slice(s.offset(), s.filesz()), s.vaddr(), elf.header().isLittleEndian(), s.vaddr());
  }

  /** The {@code eh_frame_ptr} of the file's .eh_frame_hdr, if it has a readable one. */
  static Optional<Long> ehFramePointer(ElfFile elf) {
    Optional<ElfSegment> s = segment(elf);
    if (s.isEmpty() || s.get().filesz() < 4) {
      return Optional.empty();
    }
    try {
      Bytes in = open(elf, s.get());
      if (in.u8() != 1) {
        return Optional.empty();
      }
      int ptrEnc = in.u8();
      in.u8();
      in.u8();
      return ptrEnc == Dwarf.PE_OMIT ? Optional.empty() : Optional.of(in.pointer(ptrEnc));
    } catch (Bytes.Truncated e) {
      return Optional.empty();
    }
  }

  /**
   * The search table of the file's .eh_frame_hdr, or empty when the file has none (or one without a
   * table).
   *
   * @throws ElfFormatException when the header or table is damaged
   */
  public static Optional<List<Entry>> table(ElfFile elf) {
    Optional<ElfSegment> seg = segment(elf);
    if (seg.isEmpty()) {
      return Optional.empty();
    }
    Bytes in = open(elf, seg.get());
    try {
      int version = in.u8();
      if (version != 1) {
        throw new Bytes.Truncated(seg.get().vaddr(), "version " + version + ", expected 1");
      }
      int ptrEnc = in.u8();
      int countEnc = in.u8();
      int tableEnc = in.u8();
      in.pointer(ptrEnc);
      if (countEnc == Dwarf.PE_OMIT || tableEnc == Dwarf.PE_OMIT) {
        return Optional.empty();
      }
      long n = in.pointer(countEnc);
      int size = Bytes.fixedSize(tableEnc);
      // Each entry is two pointers of at least one byte (a variable-size encoding has size 0):
      // a count the segment cannot hold is refused before anything is allocated for it.
      long entryBytes = 2L * Math.max(size, 1);
      if (n < 0 || n > (in.limit() - in.pos()) / entryBytes) {
        throw new Bytes.Truncated(seg.get().vaddr(), "fde_count " + n + " exceeds the segment");
      }
      List<Entry> out = new ArrayList<>((int) Math.min(n, 1024));
      for (long i = 0; i < n; i++) {
        out.add(new Entry(in.pointer(tableEnc), in.pointer(tableEnc)));
      }
      return Optional.of(out);
    } catch (Bytes.Truncated e) {
      throw new ElfFormatException(
          elf.name(),
          elf.offsetOf(e.vaddr).orElse(seg.get().offset()),
          ".eh_frame_hdr",
          e.getMessage());
    }
  }

  /** Size of a header with {@code entries} table entries. */
  public static long size(int entries) {
    return HEADER_SIZE + (long) ENTRY_SIZE * entries;
  }

  /**
   * Encodes a header at {@code vaddr} whose eh_frame_ptr is {@code ehFrame}, with {@code entries}
   * sorted by pc (ties keep their order).
   *
   * @throws IllegalArgumentException when an address is more than ±2 GiB from the header
   */
  public static byte[] encode(long vaddr, long ehFrame, List<Entry> entries, boolean littleEndian) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::pc));
    ByteBuffer out =
        ByteBuffer.allocate((int) size(sorted.size()))
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    out.put((byte) 1)
        .put((byte) (Dwarf.PE_PCREL | Dwarf.PE_SDATA4))
        .put((byte) Dwarf.PE_UDATA4)
        .put((byte) TABLE_ENCODING);
    out.putInt(sdata4(ehFrame - (vaddr + 4)));
    out.putInt(sorted.size());
    for (Entry e : sorted) {
      out.putInt(sdata4(e.pc() - vaddr)).putInt(sdata4(e.fde() - vaddr));
    }
    return out.array();
  }

  static int sdata4(long v) {
    if (v != (int) v) {
      throw new IllegalArgumentException(
          String.format("offset 0x%x does not fit a signed 32-bit table entry", v));
    }
    return (int) v;
  }
}
