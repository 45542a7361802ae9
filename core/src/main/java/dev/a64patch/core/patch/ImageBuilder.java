package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.encode.Insn;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PatchPlan -> FileEdits}, as a list of numbered steps over the plan's new segments
 * (docs/patching.md, "How the writer is built"). The appended tail is
 *
 * <pre>
 *   [zero padding][new segments, each: its sections][.shstrtab copy][manifest][section headers]
 * </pre>
 *
 * ELF structures are written in the file's byte order; instructions are always little-endian. Every
 * byte goes through {@link FileEdits.Recorder#write}.
 */
public final class ImageBuilder {
  private static final int EHDR_SIZE = 64;
  private static final int SHDR_SIZE = 64;

  private final ElfFile elf;
  private final PatchPlan plan;
  private final Layout layout;
  private final ByteOrder order;
  private final FileEdits.Recorder out;
  private final Sections sections;

  private ImageBuilder(ElfFile elf, PatchPlan plan) {
    this.elf = elf;
    this.plan = plan;
    this.layout = plan.layout();
    this.order = elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    this.out = new FileEdits.Recorder(elf.size());
    this.sections = new Sections();
  }

  public static FileEdits build(ElfFile elf, PatchPlan plan) {
    return new ImageBuilder(elf, plan).build();
  }

  private FileEdits build() {
    byte[] originalHeader = new byte[EHDR_SIZE];
    elf.slice(0, EHDR_SIZE).get(originalHeader);
    // 1. Each new section of each new segment, in layout order (the first is the program
    //    header table).
    for (Layout.Segment segment : layout.segments()) {
      for (Layout.Section s : segment.sections()) {
        byte[] bytes = contents(s);
        check(bytes.length == s.size(), s.what() + " size");
        out.write(s.offset(), bytes, s.what().name());
      }
    }
    // 2. The copy of .shstrtab grown by the new names (non-loaded).
    long namesOffset = appendAligned(sections.names(), ".shstrtab");
    // 3. The manifest (non-loaded).
    byte[] manifest = Manifest.of(plan, elf, originalHeader).toBytes();
    long manifestOffset = appendAligned(manifest, Planner.MANIFEST_SECTION);
    // 4. The new section header table.
    byte[] table =
        sections.table(namesOffset, sections.names().length, manifestOffset, manifest.length);
    long shoff = appendAligned(table, "section header table");
    // 5. The ELF header.
    out.write(
        0,
        header(originalHeader, shoff, table.length / SHDR_SIZE, sections.shstrndx()),
        "ELF header");
    // 6. The word at each rewritten site.
    for (SitePlan s : plan.sites()) {
      if (s.changesFile()) {
        out.writeWord(
            s.finding().offset(), s.newWord(), String.format("site 0x%x", s.finding().address()));
      }
    }
    return out.edits();
  }

  /** The bytes of one new section at its place. */
  private byte[] contents(Layout.Section s) {
    return switch (s.what()) {
      case PROGRAM_HEADERS -> programHeaders();
      case TRAMPOLINES -> trampolines();
      case TRAMPOLINE_DATA -> trampolineData();
    };
  }

  private long appendAligned(byte[] bytes, String what) {
    long at = Layout.alignUp(out.end(), 8);
    out.write(at, bytes, what);
    return at;
  }

  /**
   * The old program headers in their order, PT_PHDR moved to the new table, the new PT_LOADs after
   * the last one.
   */
  private byte[] programHeaders() {
    Layout.Section table = layout.section(NewSection.PROGRAM_HEADERS).orElseThrow();
    ByteBuffer b = ByteBuffer.allocate(layout.phnum() * Layout.PHDR_SIZE).order(order);
    int lastLoad = -1;
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad()) {
        lastLoad = s.index();
      }
    }
    for (ElfSegment s : elf.segments()) {
      if (s.type() == PT_PHDR) {
        phdr(
            b,
            PT_PHDR,
            s.flags(),
            table.offset(),
            table.vaddr(),
            table.size(),
            table.size(),
            s.align());
      } else {
        b.put(
            elf.slice(
                elf.header().phoff() + (long) s.index() * Layout.PHDR_SIZE, Layout.PHDR_SIZE));
      }
      if (s.index() == lastLoad) {
        for (Layout.Segment n : layout.segments()) {
          phdr(
              b, PT_LOAD, n.flags(), n.offset(), n.vaddr(), n.size(), n.size(), layout.alignment());
        }
      }
    }
    check(!b.hasRemaining(), "program header count");
    return b.array();
  }

  /** Each site's trampoline at its address. */
  private byte[] trampolines() {
    Layout.Section section = layout.section(NewSection.TRAMPOLINES).orElseThrow();
    ByteBuffer b = ByteBuffer.allocate((int) section.size()).order(ByteOrder.LITTLE_ENDIAN);
    long filled = 0;
    for (SitePlan s : plan.sites()) {
      if (s.action() != SitePlan.Action.TRAMPOLINE) {
        continue;
      }
      b.position((int) (s.trampoline() - section.vaddr()));
      for (Insn i : s.code()) {
        b.putInt(i.word());
        filled += 4;
      }
    }
    check(filled == section.size(), "trampolines size");
    return b.array();
  }

  private byte[] trampolineData() {
    return Trampolines.initialData();
  }

  private void phdr(
      ByteBuffer b,
      long type,
      int flags,
      long offset,
      long vaddr,
      long filesz,
      long memsz,
      long align) {
    b.putInt((int) type)
        .putInt(flags)
        .putLong(offset)
        .putLong(vaddr)
        .putLong(vaddr)
        .putLong(filesz)
        .putLong(memsz)
        .putLong(align);
  }

  private byte[] header(byte[] original, long shoff, int shnum, int shstrndx) {
    ByteBuffer h = ByteBuffer.wrap(original.clone()).order(order);
    layout
        .section(NewSection.PROGRAM_HEADERS)
        .ifPresent(
            t -> {
              h.putLong(0x20, t.offset()); // e_phoff
              h.putShort(0x38, (short) layout.phnum()); // e_phnum
            });
    h.putLong(0x28, shoff); // e_shoff
    h.putShort(0x3a, (short) SHDR_SIZE); // e_shentsize
    h.putShort(0x3c, (short) shnum); // e_shnum
    h.putShort(0x3e, (short) shstrndx); // e_shstrndx
    return h.array();
  }

  /**
   * The new section header table: the old entries unchanged except .shstrtab, which points at a
   * copy grown by the new names (so every old sh_name stays valid), then one section per named new
   * section, then the manifest.
   */
  private final class Sections {
    private final byte[] oldNames;
    private final boolean hadSections =
        elf.hasSectionHeaders() && elf.header().shstrndx() != SHN_UNDEF;
    private final List<String> added = new ArrayList<>();
    private final byte[] names;

    Sections() {
      if (hadSections) {
        ElfSection s = elf.sections().get(elf.header().shstrndx());
        ByteBuffer b = elf.slice(s.offset(), s.size());
        oldNames = new byte[b.remaining()];
        b.get(oldNames);
      } else {
        oldNames = new byte[] {0};
      }
      for (Layout.Section s : loaded()) {
        added.add(s.what().sectionName());
      }
      added.add(Planner.MANIFEST_SECTION);
      if (!hadSections) added.add(".shstrtab");
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(oldNames);
      for (String n : added) {
        b.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
      }
      names = b.toByteArray();
    }

    /** The new sections that get a section header. */
    private List<Layout.Section> loaded() {
      return layout.segments().stream()
          .flatMap(s -> s.sections().stream())
          .filter(s -> s.what().sectionName() != null)
          .toList();
    }

    byte[] names() {
      return names;
    }

    private int nameOffset(String name) {
      int at = oldNames.length;
      for (String n : added) {
        if (n.equals(name)) return at;
        at += n.length() + 1;
      }
      throw new IllegalStateException(name);
    }

    int oldCount() {
      return hadSections
          ? elf.header().shnum()
          : (elf.hasSectionHeaders() ? elf.header().shnum() : 1);
    }

    int shstrndx() {
      return hadSections ? elf.header().shstrndx() : oldCount() + added.size() - 1;
    }

    byte[] table(long namesOffset, int namesSize, long manifestOffset, int manifestSize) {
      int count = oldCount() + added.size();
      ByteBuffer b = ByteBuffer.allocate(count * SHDR_SIZE).order(order);
      if (elf.hasSectionHeaders()) {
        b.put(elf.slice(elf.header().shoff(), (long) elf.header().shnum() * SHDR_SIZE));
      } else {
        b.put(new byte[SHDR_SIZE]); // SHN_UNDEF
      }
      if (hadSections) {
        int at = elf.header().shstrndx() * SHDR_SIZE;
        b.putLong(at + 0x18, namesOffset); // sh_offset
        b.putLong(at + 0x20, namesSize); // sh_size
      }
      for (Layout.Section s : loaded()) {
        NewSection n = s.what();
        shdr(
            b,
            nameOffset(n.sectionName()),
            n.type(),
            n.flags(),
            s.vaddr(),
            s.offset(),
            s.size(),
            n.align());
      }
      shdr(
          b,
          nameOffset(Planner.MANIFEST_SECTION),
          SHT_PROGBITS,
          0,
          0,
          manifestOffset,
          manifestSize,
          1);
      if (!hadSections) {
        shdr(b, nameOffset(".shstrtab"), SHT_STRTAB, 0, 0, namesOffset, namesSize, 1);
      }
      check(!b.hasRemaining(), "section header count");
      return b.array();
    }

    private void shdr(
        ByteBuffer b,
        int name,
        long type,
        long flags,
        long addr,
        long offset,
        long size,
        long align) {
      b.putInt(name)
          .putInt((int) type)
          .putLong(flags)
          .putLong(addr)
          .putLong(offset)
          .putLong(size)
          .putInt(0)
          .putInt(0)
          .putLong(align)
          .putLong(0);
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("layout inconsistency: " + what);
    }
  }
}
