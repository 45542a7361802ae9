package dev.a64patch.core.cfi;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfFormatException;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed {@code .eh_frame} of a file (LSB 5.0 "Exception Frames"): every CIE and FDE, FDEs
 * sorted by pc_begin. Found through the section header named {@code .eh_frame}, else through the
 * {@code eh_frame_ptr} of the {@code .eh_frame_hdr} that PT_GNU_EH_FRAME points at (stripped
 * section headers), in which case the table ends at the zero terminator or its segment's end.
 */
public final class EhFrame {
  private final long vaddr;
  private final long size;
  private final List<Fde> fdes;

  private EhFrame(long vaddr, long size, List<Fde> fdes) {
    this.vaddr = vaddr;
    this.size = size;
    this.fdes = fdes;
  }

  /** An empty table (the file has no unwind information). */
  public static EhFrame empty() {
    return new EhFrame(0, 0, List.of());
  }

  /** Address of the section ({@code 0} when there is none). */
  public long vaddr() {
    return vaddr;
  }

  public long size() {
    return size;
  }

  public List<Fde> fdes() {
    return fdes;
  }

  /** The FDE covering {@code pc}, if any. */
  public Optional<Fde> fdeFor(long pc) {
    int lo = 0;
    int hi = fdes.size() - 1;
    Fde best = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(fdes.get(mid).pcBegin(), pc) <= 0) {
        best = fdes.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (best != null && best.contains(pc)) {
      return Optional.of(best);
    }
    // Overlapping or empty FDEs (rare): fall back to a scan.
    return fdes.stream().filter(f -> f.contains(pc)).findFirst();
  }

  /**
   * Reads the file's .eh_frame; empty when it has none.
   *
   * @throws ElfFormatException when the table is damaged
   */
  public static EhFrame of(ElfFile elf) {
    Optional<ElfSection> section =
        elf.hasSectionHeaders() ? elf.section(".eh_frame") : Optional.empty();
    if (section.isPresent() && section.get().type() == SHT_PROGBITS && section.get().size() > 0) {
      ElfSection s = section.get();
      if (s.offset() + s.size() > elf.size()) {
        throw new ElfFormatException(
            elf.name(), s.offset(), ".eh_frame", "section runs past the end of the file");
      }
      return parse(elf, s.addr(), elf.slice(s.offset(), s.size()));
    }
    Optional<Long> fromHdr = EhFrameHdr.ehFramePointer(elf);
    if (fromHdr.isEmpty()) {
      return empty();
    }
    long at = fromHdr.get();
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && at >= seg.vaddr() && at - seg.vaddr() < seg.filesz()) {
        long off = seg.offset() + (at - seg.vaddr());
        long len = seg.filesz() - (at - seg.vaddr());
        return parse(elf, at, elf.slice(off, len));
      }
    }
    return empty();
  }

  /**
   * The FDE whose length field is at {@code vaddr} (what a search table points at), with its CIE.
   *
   * @throws ElfFormatException when no FDE can be decoded there
   */
  public static Fde fdeAt(ElfFile elf, long vaddr) {
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && vaddr >= seg.vaddr() && vaddr - seg.vaddr() < seg.filesz()) {
        ByteBuffer all = elf.slice(seg.offset(), seg.filesz());
        Bytes in = new Bytes(all, seg.vaddr(), elf.header().isLittleEndian(), 0);
        try {
          in.seek(vaddr);
          long length = in.u32();
          long idAt = in.vaddr();
          long id = in.u32();
          if (length == 0 || length == 0xffffffffL || id == 0) {
            throw new Bytes.Truncated(vaddr, "not an FDE");
          }
          long cieAt = idAt - id;
          in.seek(cieAt);
          long cieLength = in.u32();
          if (in.u32() != 0) {
            throw new Bytes.Truncated(vaddr, "its CIE pointer does not point at a CIE");
          }
          Cie cie = readCie(in, cieAt, cieAt + 4 + cieLength);
          in.seek(idAt + 4);
          return readFde(in, vaddr, idAt + length, cie);
        } catch (Bytes.Truncated e) {
          throw new ElfFormatException(
              elf.name(),
              elf.offsetOf(e.vaddr).orElse(0L),
              "FDE",
              String.format("entry at 0x%x: %s", vaddr, e.getMessage()));
        }
      }
    }
    throw new ElfFormatException(
        elf.name(), 0, "FDE", String.format("address 0x%x is not loaded from the file", vaddr));
  }

  /** Parses the entries in {@code bytes}, loaded at {@code vaddr}, up to a zero terminator. */
  static EhFrame parse(ElfFile elf, long vaddr, ByteBuffer bytes) {
    Bytes in = new Bytes(bytes, vaddr, elf.header().isLittleEndian(), 0);
    Map<Long, Cie> cies = new HashMap<>();
    List<Fde> fdes = new ArrayList<>();
    try {
      while (in.pos() + 4 <= in.limit()) {
        long start = in.vaddr();
        long length = in.u32();
        if (length == 0) {
          break; // terminator
        }
        if (length == 0xffffffffL) {
          throw new Bytes.Truncated(start, "64-bit DWARF entries are not used by AArch64 Linux");
        }
        long idAt = in.vaddr();
        if (length > in.limit() - in.pos()) {
          throw new Bytes.Truncated(start, "entry length 0x" + Long.toHexString(length));
        }
        long end = idAt + length;
        long id = in.u32();
        if (id == 0) {
          cies.put(start, readCie(in, start, end));
        } else {
          long cieAt = idAt - id;
          Cie cie = cies.get(cieAt);
          if (cie == null) {
            int back = in.pos();
            in.seek(cieAt);
            in.u32();
            if (in.u32() != 0) {
              throw new Bytes.Truncated(start, "FDE's CIE pointer does not point at a CIE");
            }
            long cieEnd = cieAt + 4 + readLength(in, cieAt);
            in.seek(cieAt + 8);
            cie = readCie(in, cieAt, cieEnd);
            cies.put(cieAt, cie);
            in.seek(vaddr + back);
          }
          fdes.add(readFde(in, start, end, cie));
        }
        in.seek(end);
      }
    } catch (Bytes.Truncated e) {
      throw new ElfFormatException(
          elf.name(),
          elf.offsetOf(e.vaddr).orElse(0L),
          ".eh_frame",
          String.format("entry at 0x%x: %s", e.vaddr, e.getMessage()));
    }
    fdes.sort(Comparator.comparingLong(Fde::pcBegin));
    return new EhFrame(vaddr, in.pos(), List.copyOf(fdes));
  }

  private static long readLength(Bytes in, long at) {
    in.seek(at);
    return in.u32();
  }

  private static Cie readCie(Bytes in, long start, long end) {
    int version = in.u8();
    if (version != 1 && version != 3 && version != 4) {
      throw new Bytes.Truncated(start, "CIE version " + version);
    }
    String aug = in.cString();
    if (version == 4) {
      in.u8(); // address_size
      in.u8(); // segment_selector_size
    }
    long codeAlign = in.uleb();
    long dataAlign = in.sleb();
    int ra = version == 1 ? in.u8() : (int) in.uleb();
    int fdeEnc = Dwarf.PE_ABSPTR;
    int lsdaEnc = Dwarf.PE_OMIT;
    boolean signal = false;
    boolean bKey = false;
    if (aug.startsWith("z")) {
      long augLength = in.uleb();
      long augEnd = in.vaddr() + augLength;
      for (int i = 1; i < aug.length(); i++) {
        switch (aug.charAt(i)) {
          case 'R' -> fdeEnc = in.u8();
          case 'L' -> lsdaEnc = in.u8();
          case 'P' -> in.pointer(in.u8() & 0x7f);
          case 'S' -> signal = true;
          case 'B' -> bKey = true;
          case 'G' -> {} // MTE-tagged frames: nothing to read
          default -> throw new Bytes.Truncated(start, "augmentation \"" + aug + "\"");
        }
      }
      in.seek(augEnd);
    } else if (!aug.isEmpty()) {
      throw new Bytes.Truncated(start, "augmentation \"" + aug + "\"");
    }
    byte[] initial = in.bytes(end - in.vaddr());
    return new Cie(
        start, version, aug, codeAlign, dataAlign, ra, fdeEnc, lsdaEnc, signal, bKey, initial);
  }

  private static Fde readFde(Bytes in, long start, long end, Cie cie) {
    long pcBegin = in.pointer(cie.fdeEncoding());
    long pcRange = in.pointer(cie.fdeEncoding() & 0x0f);
    if (cie.augmentation().startsWith("z")) {
      long augLength = in.uleb();
      in.seek(in.vaddr() + augLength);
    }
    return new Fde(start, cie, pcBegin, pcRange, in.bytes(end - in.vaddr()));
  }
}
