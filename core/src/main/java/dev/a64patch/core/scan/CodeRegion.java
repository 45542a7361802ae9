package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A stretch of the file that holds instructions: an SHF_EXECINSTR section, or, when the file has no
 * section headers, a PF_X PT_LOAD segment (which may also hold read-only data, since GNU ld puts
 * .rodata in the R+X segment unless {@code -z separate-code}).
 */
record CodeRegion(
    String name, int sectionIndex, long offset, long address, long size, boolean viaSegment) {

  static List<CodeRegion> of(ElfFile elf) {
    List<CodeRegion> out = new ArrayList<>();
    if (elf.hasSectionHeaders()) {
      for (ElfSection s : elf.sections()) {
        if (s.isExecutable() && s.type() == SHT_PROGBITS && s.size() > 0) {
          // The loader maps segments, not sections: the bytes that run at sh_addr are those the
          // PT_LOAD maps there. A section whose sh_offset disagrees is read (and patched) where
          // the segment puts it, never at the offset the section header claims.
          long offset = s.offset();
          long size = s.size();
          var load = elf.loadAt(s.addr());
          if (load.isPresent()) {
            ElfSegment seg = load.get();
            offset = seg.offset() + (s.addr() - seg.vaddr());
            // Past the segment's file bytes the loader maps zeros (or nothing): no code runs
            // there, and the file may well end before (a section larger than its segment).
            size = Math.min(size, seg.filesz() - (s.addr() - seg.vaddr()));
          }
          out.add(new CodeRegion(s.name(), s.index(), offset, s.addr(), size, false));
        }
      }
    } else {
      for (ElfSegment s : elf.segments()) {
        if (s.isLoad() && s.isExecutable() && s.filesz() > 0) {
          out.add(
              new CodeRegion("segment " + s.index(), -1, s.offset(), s.vaddr(), s.filesz(), true));
        }
      }
    }
    return withoutOverlaps(out);
  }

  /**
   * Regions in file order, each byte in one region only: a section whose bytes another executable
   * section already covers (overlapping section headers), or a PF_X segment over another's file
   * bytes (a program header table that lists one twice: OverlappingSegmentsTest), would report and
   * patch every read twice. Where two regions share bytes, the one that starts first in the file
   * keeps them, at its addresses.
   */
  private static List<CodeRegion> withoutOverlaps(List<CodeRegion> regions) {
    List<CodeRegion> sorted = new ArrayList<>(regions);
    sorted.sort(java.util.Comparator.comparingLong(CodeRegion::offset));
    List<CodeRegion> out = new ArrayList<>();
    long covered = 0; // file offsets are never negative
    for (CodeRegion r : sorted) {
      long end = r.offset + r.size;
      if (end <= covered) {
        continue;
      }
      long skip = Math.max(0, covered - r.offset);
      out.add(
          new CodeRegion(
              r.name,
              r.sectionIndex,
              r.offset + skip,
              r.address + skip,
              r.size - skip,
              r.viaSegment));
      covered = end;
    }
    return out;
  }

  /**
   * True when one of {@code regions} covers the same file bytes at the same addresses. Not {@link
   * #equals}: a record's first equals or hashCode links its method handles, about 15 ms of a short
   * run.
   */
  boolean sameBytesIn(List<CodeRegion> regions) {
    for (CodeRegion other : regions) {
      if (offset == other.offset && address == other.address && size == other.size) {
        return true;
      }
    }
    return false;
  }

  /** File offset of the first word whose address is 4-aligned. */
  long firstWordOffset() {
    return offset + ((4 - (address & 3)) & 3);
  }

  long addressOf(long fileOffset) {
    return address + (fileOffset - offset);
  }

  boolean containsOffset(long fileOffset) {
    return fileOffset >= offset && fileOffset + 4 <= offset + size;
  }
}
