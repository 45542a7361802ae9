package dev.a64patch.core.patch;

import dev.a64patch.core.scan.SegmentTail;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A code segment whose {@code p_filesz} and {@code p_memsz} the patched program headers extend over
 * the islands placed in its tail ({@link SegmentTail}; docs/design.md, section 10): the only change
 * a64patch makes to an existing program header besides PT_PHDR and PT_GNU_EH_FRAME.
 *
 * @param segment the index of the PT_LOAD in the original's program header table
 * @param vaddr its {@code p_vaddr}
 * @param oldEnd its original {@code p_vaddr + p_memsz}
 * @param oldOffsetEnd its original {@code p_offset + p_filesz}
 * @param size its new {@code p_filesz} = {@code p_memsz}: up to the end of its last island
 */
public record SegmentGrowth(int segment, long vaddr, long oldEnd, long oldOffsetEnd, long size) {

  /** The section header that names the grown bytes, so that objdump and strip see them. */
  static final String SECTION = ".a64patch.islands";

  public long newEnd() {
    return vaddr + size;
  }

  /** How many bytes the segment grew by. */
  public long grownBy() {
    return newEnd() - oldEnd;
  }

  /** The segments of {@code elf} that the islands of {@code sites} need extended, by index. */
  static List<SegmentGrowth> of(ElfFile elf, List<SitePlan> sites) {
    List<SegmentTail> tails = SegmentTail.of(elf);
    if (tails.isEmpty()) {
      return List.of();
    }
    Map<Integer, Long> ends = new TreeMap<>();
    for (SitePlan s : sites) {
      for (Island i : s.islands()) {
        for (SegmentTail t : tails) {
          if (i.address() >= t.address() && i.end() <= t.end()) {
            ends.merge(t.segment(), i.end(), Math::max);
          }
        }
      }
    }
    List<SegmentGrowth> out = new ArrayList<>();
    ends.forEach(
        (index, end) -> {
          ElfSegment seg = elf.segments().get(index);
          out.add(
              new SegmentGrowth(
                  index,
                  seg.vaddr(),
                  seg.vaddr() + seg.memsz(),
                  seg.offset() + seg.filesz(),
                  end - seg.vaddr()));
        });
    return out;
  }
}
