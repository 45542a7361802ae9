package dev.a64patch.core.scan;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Zero bytes of the file right after a code segment's file image, which become executable island
 * space when the segment's {@code p_filesz} and {@code p_memsz} are extended over them
 * (docs/design.md, section 10, "The tail of a code segment").
 *
 * <p>Linkers place the next segment at an offset congruent to its address modulo the largest page
 * size (64 KiB on AArch64), so between the end of the R+X segment and the next segment's file bytes
 * there are usually tens of KiB of zeros that no section covers and no segment maps. A tail may
 * take them only where extending the segment changes nothing else: it ends before the 64 KiB page
 * that holds the segment's end (so on a 64 KiB-page kernel the same pages are mapped as before, and
 * they already hold these bytes), before the next segment's first 64 KiB page, before any other
 * segment's, section's or header table's file bytes, and at the first word that is not zero.
 *
 * @param segment index of the PT_LOAD to extend
 * @param segmentEnd {@code p_vaddr + p_memsz} of that PT_LOAD in the original
 * @param address first address of the usable tail (a margin above {@code segmentEnd} leaves end
 *     markers such as {@code __etext} out of it)
 * @param offset its file offset
 * @param words its length in words
 */
public record SegmentTail(int segment, long segmentEnd, long address, long offset, long words) {
  /** The page size no tail crosses: the largest AArch64 Linux uses. */
  public static final long PAGE = 0x10000;

  /**
   * Bytes left between the segment's end and the tail: a symbol or a reference at the very end of
   * the segment (an end marker) must not cut the whole tail.
   */
  static final long MARGIN = 64;

  public long end() {
    return address + 4 * words;
  }

  /** The tails of the file's code segments, in segment order. */
  public static List<SegmentTail> of(ElfFile elf) {
    List<SegmentTail> out = new ArrayList<>();
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad() && s.isExecutable() && !s.isWritable() && s.filesz() == s.memsz()) {
        of(elf, s).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The tail extending {@code s}, if there is one. */
  private static Optional<SegmentTail> of(ElfFile elf, ElfSegment s) {
    long end = s.offset() + s.filesz();
    long vend = s.vaddr() + s.memsz();
    if (s.filesz() == 0 || end < s.offset() || vend < s.vaddr() || vend > Long.MAX_VALUE - PAGE) {
      return Optional.empty();
    }
    long start = alignUp(vend, 16) + MARGIN;
    long limit = alignUp(vend, PAGE); // an address
    long fileLimit = elf.size();
    for (ElfSegment o : elf.segments()) {
      if (!o.isLoad() || o == s || o.memsz() == 0) {
        continue;
      }
      if (Long.compareUnsigned(o.vaddr(), vend) >= 0) {
        limit = Math.min(limit, o.vaddr() & -PAGE);
      } else if (Long.compareUnsigned(o.endVaddr(), s.vaddr()) > 0) {
        return Optional.empty(); // overlapping segments: trust nothing
      }
      fileLimit = Math.min(fileLimit, fileStart(o.offset(), o.filesz(), end));
    }
    for (ElfSection c : elf.sections()) {
      if (c.hasFileData() && c.size() > 0) {
        fileLimit = Math.min(fileLimit, fileStart(c.offset(), c.size(), end));
      }
    }
    var h = elf.header();
    fileLimit = Math.min(fileLimit, fileStart(h.phoff(), (long) h.phnum() * h.phentsize(), end));
    fileLimit = Math.min(fileLimit, fileStart(h.shoff(), (long) h.shnum() * h.shentsize(), end));
    limit = Math.min(limit, vend + (fileLimit - end)) & ~3L;
    if (start >= limit) {
      return Optional.empty();
    }
    long offset = end + (start - vend);
    long words = zeroWords(elf, offset, (limit - start) / 4);
    return words == 0
        ? Optional.empty()
        : Optional.of(new SegmentTail(s.index(), vend, start, offset, words));
  }

  /**
   * Where file bytes [at, at + size) stop a tail that starts at file offset {@code end}: at {@code
   * at} if they lie after it, at once if they overlap it, never if they lie before it.
   */
  private static long fileStart(long at, long size, long end) {
    if (size <= 0) {
      return Long.MAX_VALUE;
    }
    if (at >= end) {
      return at;
    }
    return at + size > end ? end : Long.MAX_VALUE;
  }

  /**
   * How many of the {@code max} words from {@code offset} are zero before the first that is not.
   */
  private static long zeroWords(ElfFile elf, long offset, long max) {
    ByteBuffer b = elf.slice(offset, 4 * max).order(ByteOrder.LITTLE_ENDIAN);
    long n = 0;
    while (n < max && b.getInt((int) (4 * n)) == 0) {
      n++;
    }
    return n;
  }

  private static long alignUp(long v, long a) {
    return (v + a - 1) & -a;
  }
}
