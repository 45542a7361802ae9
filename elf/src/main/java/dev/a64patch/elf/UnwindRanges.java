package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function extents from the unwind tables: the sorted search table of {@code .eh_frame_hdr}
 * (found through PT_GNU_EH_FRAME, so it works without section headers) gives each FDE's
 * start, and the FDE in {@code .eh_frame} its length. Stripped libraries keep these tables
 * because exceptions and backtraces need them, so they tell code from data even where no
 * symbol names the function. Format: LSB 5.0 "Exception Frames" and ".eh_frame_hdr".
 */
public final class UnwindRanges {
    /** One FDE's code range [start, end). */
    public record Range(long start, long end) {}

    private static final int DW_EH_PE_OMIT = 0xff;

    private final ElfFile elf;
    private final ByteBuffer buf;
    private final Map<Long, Integer> cieEncodings = new HashMap<>();

    private UnwindRanges(ElfFile elf) {
        this.elf = elf;
        this.buf = elf.bytes().order(elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    }

    /**
     * The FDE ranges sorted by start, or empty when the file has no usable {@code .eh_frame_hdr}
     * (absent, or using encodings this reader does not handle). Malformed tables give empty
     * rather than an error: unwind info only refines how sure a finding is.
     */
    public static List<Range> of(ElfFile elf) {
        try {
            return new UnwindRanges(elf).read();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private List<Range> read() {
        Optional<ElfSegment> hdrSegment = elf.segments().stream().filter(s -> s.type() == PT_GNU_EH_FRAME).findFirst();
        if (hdrSegment.isEmpty() || hdrSegment.get().filesz() < 12) {
            return List.of();
        }
        long hdrVaddr = hdrSegment.get().vaddr();
        long hdrOff = hdrSegment.get().offset();
        long hdrEnd = hdrOff + hdrSegment.get().filesz();
        Cursor c = new Cursor(hdrOff, hdrVaddr, hdrEnd, hdrVaddr);
        if (c.u8() != 1) {
            return List.of();
        }
        int ehFramePtrEnc = c.u8();
        int countEnc = c.u8();
        int tableEnc = c.u8();
        if (countEnc == DW_EH_PE_OMIT || tableEnc == DW_EH_PE_OMIT) {
            return List.of();
        }
        c.encoded(ehFramePtrEnc);
        long count = c.encoded(countEnc);
        if (count <= 0 || count > (hdrEnd - c.off) / 2) {
            return List.of();
        }
        List<Range> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long start = c.encoded(tableEnc);
            long fde = c.encoded(tableEnc);
            long length = fdeLength(fde);
            if (length > 0) {
                out.add(new Range(start, start + length));
            }
        }
        out.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        return List.copyOf(out);
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
        c.encoded(enc);               // pc_begin (the search table already gave it)
        return c.encoded(enc & 0x0f); // pc_range: same size, no application modifier
    }

    /** The FDE pointer encoding a CIE declares with augmentation 'R' (absptr when absent). */
    private int cieEncoding(long cieOffset) {
        return cieEncodings.computeIfAbsent(cieOffset, at -> {
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
            if (version == 1) c.u8(); else c.uleb(); // return address register
            if (aug.length() == 0 || aug.charAt(0) != 'z') {
                return 0;
            }
            c.uleb(); // augmentation data length
            for (int i = 1; i < aug.length(); i++) {
                switch (aug.charAt(i)) {
                    case 'R' -> { return c.u8(); }
                    case 'P' -> c.encoded(c.u8());
                    case 'L' -> c.u8();
                    default -> { }
                }
            }
            return 0;
        });
    }

    /** Reads DWARF-encoded values at a file offset, knowing the matching virtual address for pc-relative ones. */
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
            long v = switch (enc & 0x0f) {
                case 0x00 -> u64();
                case 0x01 -> uleb();
                case 0x02 -> { need(2); long x = buf.getShort((int) off) & 0xffff; off += 2; yield x; }
                case 0x03 -> u32();
                case 0x04 -> u64();
                case 0x09 -> sleb();
                case 0x0a -> { need(2); long x = buf.getShort((int) off); off += 2; yield x; }
                case 0x0b -> { need(4); long x = buf.getInt((int) off); off += 4; yield x; }
                case 0x0c -> u64();
                default -> throw new IllegalStateException("pointer encoding 0x" + Integer.toHexString(enc));
            };
            return switch (enc & 0x70) {
                case 0x00 -> v;
                case 0x10 -> pc + v;
                case 0x30 -> dataBase + v;
                default -> throw new IllegalStateException("pointer application 0x" + Integer.toHexString(enc));
            };
        }
    }
}
