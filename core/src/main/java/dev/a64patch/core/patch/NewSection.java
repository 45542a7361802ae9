package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

/**
 * Everything the patch adds to a file's loaded image, in the order it appears: each value names the
 * segment kind that holds it and the section header that describes it. To add a new kind of
 * content, add a value here (the {@link Layout} places it) and a step in {@link ImageBuilder} that
 * writes its bytes.
 */
public enum NewSection {
  /** The grown program header table; always first in the first new segment (see {@link Layout}). */
  PROGRAM_HEADERS("program headers", SegmentKind.CODE, null, SHT_NULL, 0, 8),
  /** The trampolines, one after the other. */
  TRAMPOLINES(
      "trampolines",
      SegmentKind.CODE,
      ".a64patch.text",
      SHT_PROGBITS,
      SHF_ALLOC | SHF_EXECINSTR,
      4),
  /**
   * One FDE per trampoline (docs/patching.md, "Unwind information and names"); found by unwinders
   * through the search table below, by gdb through this section header.
   */
  EH_FRAME("unwind information", SegmentKind.CODE, ".eh_frame", SHT_PROGBITS, SHF_ALLOC, 8),
  /**
   * The binary-search table over the original FDEs and the new ones; PT_GNU_EH_FRAME points here.
   */
  EH_FRAME_HDR(
      "unwind search table", SegmentKind.CODE, ".eh_frame_hdr", SHT_PROGBITS, SHF_ALLOC, 4),
  /** The memory trampolines use: the counter, the RNDR sequence, the shared clock's slot. */
  TRAMPOLINE_DATA(
      "trampoline data",
      SegmentKind.DATA,
      ".a64patch.data",
      SHT_PROGBITS,
      SHF_ALLOC | SHF_WRITE,
      8),
  // The shared clock's import (ClockImport): copies of the dynamic tables grown by one entry.
  // They get no section header of their own: the old one is pointed at the copy.
  DYNSYM("dynamic symbols", SegmentKind.READ_ONLY, null, SHT_DYNSYM, SHF_ALLOC, 8),
  VERSYM("symbol versions", SegmentKind.READ_ONLY, null, SHT_NULL, SHF_ALLOC, 2),
  RELA("dynamic relocations", SegmentKind.READ_ONLY, null, SHT_RELA, SHF_ALLOC, 8),
  DYNSTR("dynamic strings", SegmentKind.READ_ONLY, null, SHT_STRTAB, SHF_ALLOC, 1);

  private final String description;
  private final SegmentKind segment;
  private final String name;
  private final long type;
  private final long flags;
  private final int align;

  NewSection(
      String description, SegmentKind segment, String name, long type, long flags, int align) {
    this.description = description;
    this.segment = segment;
    this.name = name;
    this.type = type;
    this.flags = flags;
    this.align = align;
  }

  /** What it holds, in words. */
  public String description() {
    return description;
  }

  public SegmentKind segment() {
    return segment;
  }

  /** The section header name, or null when no section header describes it. */
  public String sectionName() {
    return name;
  }

  long type() {
    return type;
  }

  long flags() {
    return flags;
  }

  int align() {
    return align;
  }
}
