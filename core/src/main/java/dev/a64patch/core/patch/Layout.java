package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.elf.ElfDynamicEntry;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import java.util.List;

/**
 * Where the new segments go (DESIGN.md §4). Nothing existing moves: a new R+X PT_LOAD holding the
 * grown program header table and the trampolines, and a small RW PT_LOAD for the data the
 * trampolines update, both above everything the object maps (including .bss), aligned for 4K, 16K
 * and 64K page kernels, each starting on a 64 KiB page of its own.
 *
 * @param text the R+X segment, or null when every site is rewritten in place
 * @param data the RW segment, or null when no trampoline needs memory
 * @param tailOffset file offset where the appended bytes start (the end of the zero padding)
 */
public record Layout(
    boolean executable,
    long alignment,
    Segment text,
    Segment data,
    long originalLength,
    long tailOffset) {

  public static final long MIN_ALIGN = 0x10000;

  /** A new PT_LOAD. */
  public record Segment(long offset, long vaddr, long size, int flags) {
    public long end() {
      return vaddr + size;
    }
  }

  public long padding() {
    return tailOffset - originalLength;
  }

  /**
   * @param textSize bytes of the R+X segment (program headers + trampolines); 0 for none
   * @param needData whether the RW segment is needed
   */
  static Layout compute(ElfFile elf, long textSize, boolean needData, long maxPadding) {
    long length = elf.size();
    if (textSize == 0) {
      return new Layout(isExecutable(elf), MIN_ALIGN, null, null, length, length);
    }
    List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
    long align = MIN_ALIGN;
    long top = 0;
    for (ElfSegment s : loads) {
      align = Math.max(align, s.align());
      top = Math.max(top, s.endVaddr());
    }
    boolean executable = isExecutable(elf);
    // objcopy/strip lay a segment holding the program headers out right after the last
    // loaded file byte (O) and derive its p_vaddr from that; choosing p_vaddr and p_offset
    // congruent to O modulo the alignment makes strip keep the segment where it is in memory.
    long loadedEnd = 0;
    for (ElfSegment s : loads) {
      loadedEnd = Math.max(loadedEnd, s.offset() + s.filesz());
    }
    loadedEnd = alignUp(loadedEnd, 8); // Elf64_Phdr alignment
    long offset;
    long vaddr;
    if (executable) {
      // Kernels before 5.18 (and qemu-user) compute AT_PHDR as the first PT_LOAD's
      // p_vaddr - p_offset plus e_phoff, so the segment holding the program headers
      // must keep that same difference.
      ElfSegment first = loads.get(0);
      long delta = first.vaddr() - first.offset();
      if (Math.floorMod(delta, align) != 0) {
        throw new PatchException(
            elf.name(),
            String.format(
                "first PT_LOAD has p_vaddr - p_offset = 0x%x, not a multiple of the 0x%x alignment a new"
                    + " segment needs; this layout is not supported",
                delta, align));
      }
      offset =
          congruent(Math.max(alignUp(length, 8), alignUp(top, align) - delta), loadedEnd, align);
      vaddr = offset + delta;
    } else {
      offset = congruent(alignUp(length, 8), loadedEnd, align);
      vaddr = congruent(alignUp(top, align), loadedEnd, align);
    }
    long padding = offset - length;
    if (padding > maxPadding) {
      throw new PatchException(
          elf.name(),
          String.format(
              "the new segment must start at file offset 0x%x to keep p_vaddr - p_offset of the first PT_LOAD,"
                  + " which pads the file with %d bytes (a large .bss?)",
              offset, padding),
          Remedy.of("allow it with", Setting.MAX_PADDING, Long.toString(padding)));
    }
    Segment text = new Segment(offset, vaddr, textSize, PF_R | PF_X);
    Segment data = null;
    if (needData) {
      long dataOffset = alignUp(offset + textSize, 16);
      long dataVaddr = alignUp(vaddr + textSize, align) + Math.floorMod(dataOffset, align);
      data = new Segment(dataOffset, dataVaddr, Trampolines.DATA_SIZE, PF_R | PF_W);
    }
    return new Layout(executable, align, text, data, length, offset);
  }

  /**
   * Executables in the loader's sense: ET_EXEC, or ET_DYN with PT_INTERP (PIE) or with DF_1_PIE
   * (static-pie, which has no interpreter but is started by the kernel).
   */
  static boolean isExecutable(ElfFile elf) {
    if (elf.header().type() == ET_EXEC) {
      return true;
    }
    if (elf.segments().stream().anyMatch(s -> s.type() == PT_INTERP)) {
      return true;
    }
    for (ElfDynamicEntry d : elf.dynamic()) {
      if (d.tag() == DT_FLAGS_1 && (d.value() & DF_1_PIE) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The smallest value >= {@code at} that is congruent to {@code to} modulo {@code align}. */
  static long congruent(long at, long to, long align) {
    return at + Math.floorMod(to - at, align);
  }

  static long alignUp(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
