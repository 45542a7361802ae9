package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

/**
 * One program header (Elf64_Phdr), unsigned fields widened; {@code index} is its position in the
 * table.
 */
public record ElfSegment(
    int index,
    long type, // p_type
    int flags, // p_flags
    long offset, // p_offset
    long vaddr, // p_vaddr
    long paddr, // p_paddr
    long filesz, // p_filesz
    long memsz, // p_memsz
    long align) { // p_align

  public boolean isLoad() {
    return type == PT_LOAD;
  }

  public boolean isExecutable() {
    return (flags & PF_X) != 0;
  }

  public boolean isWritable() {
    return (flags & PF_W) != 0;
  }

  /** First virtual address past the segment in memory (p_vaddr + p_memsz). */
  public long endVaddr() {
    return vaddr + memsz;
  }

  /** True when the file bytes at {@code fileOffset} are mapped by this segment. */
  public boolean containsOffset(long fileOffset) {
    return fileOffset >= offset && fileOffset - offset < filesz;
  }

  @Override
  public String toString() {
    return String.format(
        "segment %d (%s %s) offset 0x%x vaddr 0x%x filesz 0x%x memsz 0x%x align 0x%x",
        index,
        ElfNames.segmentType(type),
        ElfNames.segmentFlags(flags),
        offset,
        vaddr,
        filesz,
        memsz,
        align);
  }
}
