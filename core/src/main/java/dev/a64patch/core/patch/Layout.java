package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.elf.ElfDynamicEntry;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import dev.a64patch.elf.ElfSegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the new segments go (docs/design.md section 6). Nothing existing moves: the patch appends
 * one PT_LOAD per {@link SegmentKind} that has content, above everything the object maps (including
 * .bss), aligned for 4K, 16K and 64K page kernels, each starting on a 64 KiB page of its own. The
 * first new segment starts with the grown program header table. This is the one place that decides
 * the number of program headers after patching.
 *
 * @param strategy where the new program header table went, and why
 * @param segments the new PT_LOADs in file and address order; empty when nothing is appended
 * @param phnum the number of program headers after patching
 * @param tailOffset file offset where the appended bytes start (the end of the zero padding)
 */
public record Layout(
    LayoutStrategy strategy,
    boolean executable,
    long alignment,
    List<Segment> segments,
    int phnum,
    long originalLength,
    long tailOffset) {

  public static final long MIN_ALIGN = 0x10000;

  public Layout {
    segments = List.copyOf(segments);
  }

  /** A new PT_LOAD and the sections in it. */
  public record Segment(
      SegmentKind kind, long offset, long vaddr, long size, int flags, List<Section> sections) {
    public Segment {
      sections = List.copyOf(sections);
    }

    public long end() {
      return vaddr + size;
    }
  }

  /** A piece of a new segment at its final place. */
  public record Section(NewSection what, long offset, long vaddr, long size) {}

  public long padding() {
    return tailOffset - originalLength;
  }

  /** The new segment of this kind, if there is one. */
  public Optional<Segment> segment(SegmentKind kind) {
    return segments.stream().filter(s -> s.kind() == kind).findFirst();
  }

  /** The placed section, if the layout has it. */
  public Optional<Section> section(NewSection what) {
    return find(segments, what);
  }

  static Optional<Section> find(List<Segment> segments, NewSection what) {
    return segments.stream()
        .flatMap(s -> s.sections().stream())
        .filter(s -> s.what() == what)
        .findFirst();
  }

  /**
   * Places the given sections.
   *
   * @param sizes bytes of each section to add (the program header table is added and sized here);
   *     empty when nothing is appended
   */
  static Layout compute(ElfFile elf, Map<NewSection, Long> sizes, long maxPadding) {
    Layout l = provisional(elf, sizes);
    if (!l.segments().isEmpty()) {
      l.checkSize(elf.name());
      checkPadding(elf, l.tailOffset(), l.padding(), maxPadding);
    }
    return l;
  }

  /**
   * The layout without the checks of its size: the planner settles reach on it before it knows
   * which refusal, if any, to give.
   */
  static Layout provisional(ElfFile elf, Map<NewSection, Long> sizes) {
    long length = elf.size();
    boolean executable = isExecutable(elf);
    int phnum = elf.header().phnum();
    if (sizes.isEmpty()) {
      return new Layout(
          LayoutStrategy.NONE, executable, MIN_ALIGN, List.of(), phnum, length, length);
    }
    Map<SegmentKind, List<NewSection>> bySegment = new EnumMap<>(SegmentKind.class);
    bySegment
        .computeIfAbsent(NewSection.PROGRAM_HEADERS.segment(), k -> new ArrayList<>())
        .add(NewSection.PROGRAM_HEADERS);
    for (NewSection n : NewSection.values()) {
      if (n != NewSection.PROGRAM_HEADERS && sizes.containsKey(n)) {
        bySegment.computeIfAbsent(n.segment(), k -> new ArrayList<>()).add(n);
      }
    }
    phnum += bySegment.size();
    if (sizes.containsKey(NewSection.EH_FRAME_HDR)
        && elf.segments().stream().noneMatch(s -> s.type() == PT_GNU_EH_FRAME)) {
      phnum++; // a PT_GNU_EH_FRAME for the new search table (see ImageBuilder)
    }
    Map<NewSection, Long> all = new EnumMap<>(sizes);
    all.put(NewSection.PROGRAM_HEADERS, (long) phnum * ElfRecord.PHDR.in(elf.header()).size());

    List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
    long align = MIN_ALIGN;
    long top = 0;
    for (ElfSegment s : loads) {
      align = Math.max(align, s.align());
      top = Math.max(top, s.endVaddr());
    }
    long offset = firstOffset(elf, executable, loads, align, top);
    long vaddr = executable ? offset + delta(loads) : firstVaddr(loads, align, top);
    List<Segment> segments = new ArrayList<>();
    for (Map.Entry<SegmentKind, List<NewSection>> e : bySegment.entrySet()) {
      if (!segments.isEmpty()) {
        // Each further segment starts on a page of its own, its file offset right after the
        // previous one, its address congruent to that offset.
        Segment prev = segments.get(segments.size() - 1);
        offset = alignUp(prev.offset() + prev.size(), 16);
        vaddr = alignUp(prev.end(), align) + Math.floorMod(offset, align);
      }
      segments.add(place(e.getKey(), e.getValue(), all, offset, vaddr));
    }
    return new Layout(
        executable ? LayoutStrategy.BSS_END : LayoutStrategy.BINARY_END,
        executable,
        align,
        segments,
        phnum,
        length,
        segments.get(0).offset());
  }

  /** Whether the result stays within what a64patch can read back (verify, restore). */
  boolean fits() {
    Segment last = segments.get(segments.size() - 1);
    return last.offset() + last.size() <= ElfFile.MAX_SIZE - TAIL_RESERVE;
  }

  private void checkSize(String file) {
    if (!fits()) {
      Segment last = segments.get(segments.size() - 1);
      throw new PatchException(
          file,
          String.format(
              "the new segments would end at file offset 0x%x; a64patch reads files of at most"
                  + " %d bytes, so it could not verify or restore the result",
              last.offset() + last.size(), ElfFile.MAX_SIZE));
    }
  }

  /** The setting that allows this layout's padding, or null when {@code maxPadding} does. */
  Remedy paddingRemedy(long maxPadding) {
    return segments.isEmpty() || padding() <= maxPadding
        ? null
        : Remedy.of("allow it with", Setting.MAX_PADDING, Long.toString(padding()));
  }

  /**
   * Room kept below {@link ElfFile#MAX_SIZE} after the new segments for what follows them (section
   * headers, symbol names, the manifest); the writer checks the exact total.
   */
  static final long TAIL_RESERVE = 64L << 20;

  /**
   * The padding costs no disk (the writer leaves a hole), but its apparent size stays: refused
   * above {@code maxPadding} ({@link PatchOptions#DEFAULT_MAX_PADDING} says why a limit is kept).
   */
  private static void checkPadding(ElfFile elf, long offset, long padding, long maxPadding) {
    if (padding > maxPadding) {
      throw new PatchException(
          elf.name(),
          String.format(
              "the new segment must start at file offset 0x%x to keep p_vaddr - p_offset of the first PT_LOAD,"
                  + " which pads the file with %d bytes (a hole, but the apparent size grows by as"
                  + " much; a large .bss?)",
              offset, padding),
          Remedy.of("allow it with", Setting.MAX_PADDING, Long.toString(padding)));
    }
  }

  private static Segment place(
      SegmentKind kind,
      List<NewSection> parts,
      Map<NewSection, Long> sizes,
      long offset,
      long vaddr) {
    List<Section> sections = new ArrayList<>();
    long at = 0;
    for (NewSection n : parts) {
      at = alignUp(at, n.align());
      sections.add(new Section(n, offset + at, vaddr + at, sizes.get(n)));
      at += sizes.get(n);
    }
    return new Segment(kind, offset, vaddr, at, kind.flags(), sections);
  }

  /**
   * objcopy/strip lay a segment holding the program headers out right after the last loaded file
   * byte (O) and derive its p_vaddr from that; choosing p_vaddr and p_offset congruent to O modulo
   * the alignment makes strip keep the segment where it is in memory.
   */
  private static long firstOffset(
      ElfFile elf, boolean executable, List<ElfSegment> loads, long align, long top) {
    long length = elf.size();
    if (!executable) {
      return congruent(alignUp(length, 8), loadedEnd(loads), align);
    }
    // Kernels before 5.18 (and qemu-user) compute AT_PHDR as the first PT_LOAD's
    // p_vaddr - p_offset plus e_phoff, so the segment holding the program headers
    // must keep that same difference.
    long delta = delta(loads);
    if (Math.floorMod(delta, align) != 0) {
      throw new PatchException(
          elf.name(),
          String.format(
              "first PT_LOAD has p_vaddr - p_offset = 0x%x, not a multiple of the 0x%x alignment a new"
                  + " segment needs; this layout is not supported",
              delta, align));
    }
    return congruent(
        Math.max(alignUp(length, 8), alignUp(top, align) - delta), loadedEnd(loads), align);
  }

  private static long firstVaddr(List<ElfSegment> loads, long align, long top) {
    return congruent(alignUp(top, align), loadedEnd(loads), align);
  }

  private static long delta(List<ElfSegment> loads) {
    return loads.get(0).vaddr() - loads.get(0).offset();
  }

  private static long loadedEnd(List<ElfSegment> loads) {
    long end = 0;
    for (ElfSegment s : loads) {
      end = Math.max(end, s.offset() + s.filesz());
    }
    return alignUp(end, 8); // program header alignment
  }

  /**
   * Executables in the loader's sense: ET_EXEC, or ET_DYN with PT_INTERP (PIE), with DF_1_PIE
   * (static-pie, which has no interpreter but is started by the kernel), or with an entry point and
   * no DT_SONAME.
   */
  static boolean isExecutable(ElfFile elf) {
    if (elf.header().type() == ET_EXEC) {
      return true;
    }
    if (elf.segments().stream().anyMatch(s -> s.type() == PT_INTERP)) {
      return true;
    }
    boolean soname = false;
    for (ElfDynamicEntry d : elf.dynamic()) {
      if (d.tag() == DT_FLAGS_1 && (d.value() & DF_1_PIE) != 0) {
        return true;
      }
      soname |= d.tag() == DT_SONAME;
    }
    // DF_1_PIE is one bit a tool can lose; a static-pie laid out as a library breaks the AT_PHDR
    // rule and crashes. An ET_DYN with an entry point and no soname may be started by the kernel,
    // so it is laid out as an executable, which is also valid (only less compact) for a library.
    return !soname && elf.header().entry() != 0;
  }

  /** The smallest value >= {@code at} that is congruent to {@code to} modulo {@code align}. */
  static long congruent(long at, long to, long align) {
    return at + Math.floorMod(to - at, align);
  }

  static long alignUp(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
