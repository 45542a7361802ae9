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
        // A section over bytes an earlier one already covers (a damaged or crafted section
        // table) would count, and patch, every read in them twice (found by fuzzing).
        if (s.isExecutable()
            && s.type() == SHT_PROGBITS
            && s.size() > 0
            && out.stream().noneMatch(r -> r.overlaps(s.offset(), s.size()))) {
          out.add(new CodeRegion(s.name(), s.index(), s.offset(), s.addr(), s.size(), false));
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
    return out;
  }

  private boolean overlaps(long from, long length) {
    return from < offset + size && offset < from + length;
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
