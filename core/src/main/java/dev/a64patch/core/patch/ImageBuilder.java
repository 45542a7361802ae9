package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.Names;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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

  private final ElfFile elf;
  private final PatchPlan plan;
  private final Layout layout;
  private final ByteOrder order;
  private final ElfRecord.Format ehdr;
  private final ElfRecord.Format phdr;
  private final ElfRecord.Format shdr;
  private final FileEdits.Recorder out;
  private final Sections sections;
  private final Symbols symbols;
  private final String symbolsNote;
  private final List<SegmentGrowth> growth;
  private ClockImport clock;

  private ImageBuilder(ElfFile elf, PatchPlan plan) {
    this.elf = elf;
    this.plan = plan;
    this.layout = plan.layout();
    this.order = elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    this.ehdr = ElfRecord.EHDR.in(elf.header());
    this.phdr = ElfRecord.PHDR.in(elf.header());
    this.shdr = ElfRecord.SHDR.in(elf.header());
    this.out = new FileEdits.Recorder(elf.size());
    this.growth = plan.grown();
    java.util.Optional<String> obstacle = TrampolineSymbols.obstacle(elf);
    boolean named = layout.section(NewSection.TRAMPOLINES).isPresent() && obstacle.isEmpty();
    this.symbolsNote = obstacle.orElse(null);
    boolean createsSymtab = named && elf.sections().stream().noneMatch(x -> x.type() == SHT_SYMTAB);
    this.sections = new Sections(createsSymtab);
    this.symbols = named ? new Symbols() : null;
  }

  public static FileEdits build(ElfFile elf, PatchPlan plan) {
    return build(elf, plan, () -> Sha256.of(elf.bytes()));
  }

  /**
   * As {@link #build(ElfFile, PatchPlan)}, with the SHA-256 of the original from {@code
   * originalSha256} (patch computes it while it scans).
   */
  static FileEdits build(ElfFile elf, PatchPlan plan, Supplier<String> originalSha256) {
    return new ImageBuilder(elf, plan).build(originalSha256);
  }

  private FileEdits build(Supplier<String> originalSha256) {
    byte[] originalHeader = new byte[ehdr.size()];
    elf.slice(0, ehdr.size()).get(originalHeader);
    // 1. Each new section of each new segment, in layout order (the first is the program
    //    header table).
    for (Layout.Segment segment : layout.segments()) {
      for (Layout.Section s : segment.sections()) {
        byte[] bytes = contents(s);
        check(bytes.length == s.size(), s.what() + " size");
        out.adopt(s.offset(), bytes, s.what().name()); // each made for this image alone
      }
    }
    // 2. The copy of .shstrtab grown by the new names (non-loaded).
    long namesOffset = appendAligned(sections.names(), ".shstrtab");
    // 3. The symbol table naming the trampolines and its strings (non-loaded, so strip drops
    //    them and restore's cut at the original length removes them).
    if (symbols != null) {
      symbols.place(appendAligned(symbols.tables.strtab(), ".strtab"));
      symbols.placeSymtab(appendAligned(symbols.tables.symtab(), ".symtab"));
    }
    // 4. The manifest (non-loaded).
    byte[] manifest =
        Manifest.of(plan, originalSha256.get(), originalHeader, symbolsNote).toBytes();
    long manifestOffset = appendAligned(manifest, Planner.MANIFEST_SECTION);
    // 5. The new section header table.
    byte[] table =
        sections.table(namesOffset, sections.names().length, manifestOffset, manifest.length);
    long shoff = appendAligned(table, "section header table");
    // 6. The ELF header.
    out.write(
        0,
        header(originalHeader, shoff, table.length / shdr.size(), sections.shstrndx()),
        "ELF header");
    // 7. The word at each rewritten site.
    for (SitePlan s : plan.sites()) {
      if (s.changesFile()) {
        out.writeWord(
            s.finding().offset(), s.newWord(), "site 0x" + Long.toHexString(s.finding().address()));
      }
    }
    // 7b. The islands of far sites: hops in the original's executable padding (docs/design.md,
    //     section 10), each encoded once by the planner.
    for (SitePlan s : plan.sites()) {
      for (Island i : s.islands()) {
        ByteBuffer b = ByteBuffer.allocate(4 * i.code().size()).order(ByteOrder.LITTLE_ENDIAN);
        i.code().forEach(c -> b.putInt(c.word()));
        out.write(
            i.offset(),
            b.array(),
            "island "
                + i.role().id()
                + " 0x"
                + Long.toHexString(i.address())
                + " of site 0x"
                + Long.toHexString(s.finding().address()));
      }
    }
    // 8. The .dynamic entries that point at the grown copies of the dynamic tables.
    ElfRecord.Format dyn = ElfRecord.DYN.in(elf.header());
    for (DynamicEdit e : plan.dynamic()) {
      out.write(
          e.offset(),
          dyn.encode("d_val", e.patched(), order),
          String.format(".dynamic entry %s", Long.toHexString(e.tag())));
    }
    return out.edits();
  }

  /** The bytes of one new section at its place. */
  private byte[] contents(Layout.Section s) {
    return switch (s.what()) {
      case PROGRAM_HEADERS -> programHeaders();
      case TRAMPOLINES -> trampolines();
      case TRAMPOLINE_DATA -> trampolineData();
      case EH_FRAME -> plan.unwind().ehFrame(s.vaddr());
      case EH_FRAME_HDR ->
          plan.unwind().hdr(s.vaddr(), layout.section(NewSection.EH_FRAME).orElseThrow().vaddr());
      case DYNSYM, VERSYM, RELA, DYNSTR -> clock().contents(s.what(), slot());
    };
  }

  /** The shared clock's import; present when the layout holds its tables. */
  private ClockImport clock() {
    if (clock == null) {
      clock = ClockImport.check(elf).clock();
      check(clock != null, "shared clock tables without an import");
    }
    return clock;
  }

  private long slot() {
    return layout.section(NewSection.TRAMPOLINE_DATA).orElseThrow().vaddr()
        + Trampolines.CLOCK_SLOT_OFFSET;
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
    ByteBuffer b = ByteBuffer.allocate(layout.phnum() * phdr.size()).order(order);
    int lastLoad = -1;
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad()) {
        lastLoad = s.index();
      }
    }
    java.util.Optional<Layout.Section> hdr = layout.section(NewSection.EH_FRAME_HDR);
    for (ElfSegment s : elf.segments()) {
      int at = b.position();
      b.put(elf.slice(elf.header().phoff() + (long) s.index() * phdr.size(), phdr.size()));
      if (s.type() == PT_PHDR) {
        place(b, at, table.offset(), table.vaddr(), table.size());
      } else if (s.type() == PT_GNU_EH_FRAME && hdr.isPresent()) {
        // Unwinders find FDEs through this one entry: point it at the new search table, which
        // indexes the original FDEs too.
        place(b, at, hdr.get().offset(), hdr.get().vaddr(), hdr.get().size());
      }
      for (SegmentGrowth g : growth) {
        if (g.segment() == s.index()) {
          // Islands in the tail of this code segment: map them (docs/design.md, section 10).
          phdr.put(b, at, "p_filesz", g.size());
          phdr.put(b, at, "p_memsz", g.size());
        }
      }
      if (s.index() == lastLoad) {
        for (Layout.Segment n : layout.segments()) {
          at = b.position();
          b.position(at + phdr.size());
          phdr.put(b, at, "p_type", PT_LOAD);
          phdr.put(b, at, "p_flags", n.flags());
          phdr.put(b, at, "p_align", layout.alignment());
          place(b, at, n.offset(), n.vaddr(), n.size());
        }
      }
    }
    if (hdr.isPresent() && elf.segments().stream().noneMatch(x -> x.type() == PT_GNU_EH_FRAME)) {
      // Static glibc programs linked by gcc have no PT_GNU_EH_FRAME (their crtbeginT.o registers
      // .eh_frame instead); libgcc still asks dl_iterate_phdr, which finds this one.
      int at = b.position();
      b.position(at + phdr.size());
      phdr.put(b, at, "p_type", PT_GNU_EH_FRAME);
      phdr.put(b, at, "p_flags", PF_R);
      phdr.put(b, at, "p_align", 4);
      place(b, at, hdr.get().offset(), hdr.get().vaddr(), hdr.get().size());
    }
    check(!b.hasRemaining(), "program header count");
    return b.array();
  }

  /** Points the program header at {@code at} to bytes that are mapped as they are in the file. */
  private void place(ByteBuffer b, int at, long offset, long vaddr, long size) {
    phdr.put(b, at, "p_offset", offset);
    phdr.put(b, at, "p_vaddr", vaddr);
    phdr.put(b, at, "p_paddr", vaddr);
    phdr.put(b, at, "p_filesz", size);
    phdr.put(b, at, "p_memsz", size);
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

  private byte[] header(byte[] original, long shoff, int shnum, int shstrndx) {
    ByteBuffer h = ByteBuffer.wrap(original.clone()).order(order);
    layout
        .section(NewSection.PROGRAM_HEADERS)
        .ifPresent(
            t -> {
              ehdr.put(h, 0, "e_phoff", t.offset());
              ehdr.put(h, 0, "e_phnum", layout.phnum());
            });
    ehdr.put(h, 0, "e_shoff", shoff);
    ehdr.put(h, 0, "e_shentsize", shdr.size());
    ehdr.put(h, 0, "e_shnum", shnum);
    ehdr.put(h, 0, "e_shstrndx", shstrndx);
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

    private final boolean createsSymtab;

    Sections(boolean createsSymtab) {
      this.createsSymtab = createsSymtab;
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
      growth.forEach(g -> added.add(SegmentGrowth.SECTION)); // one header each
      if (createsSymtab) {
        added.add(".symtab");
        added.add(".strtab");
      }
      if (!hadSections) added.add(".shstrtab");
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(oldNames);
      for (String n : added) {
        b.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
      }
      names = b.toByteArray();
    }

    /**
     * Points the old section header of each dynamic table the patch copied (.dynsym, .gnu.version,
     * .rela.dyn, .dynstr) at the grown copy, so that tools see the tables the loader uses.
     */
    private void repointCopies(ByteBuffer b) {
      for (Layout.Section s :
          layout.segments().stream().flatMap(g -> g.sections().stream()).toList()) {
        if (s.what().segment() != SegmentKind.READ_ONLY) {
          continue;
        }
        long old = clock().originalAddress(s.what());
        for (ElfSection e : elf.sections()) {
          if (e.index() < oldCount() && e.isAlloc() && e.addr() == old && e.size() > 0) {
            int at = e.index() * shdr.size();
            shdr.put(b, at, "sh_addr", s.vaddr());
            shdr.put(b, at, "sh_offset", s.offset());
            shdr.put(b, at, "sh_size", s.size());
            break;
          }
        }
      }
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

    /** Index the section header of {@code what} will have in the new table. */
    int indexOf(NewSection what) {
      List<Layout.Section> l = loaded();
      for (int i = 0; i < l.size(); i++) {
        if (l.get(i).what() == what) return oldCount() + i;
      }
      throw new IllegalStateException("no section for " + what);
    }

    /** Index of a section added after the loaded ones ({@code .symtab}, {@code .strtab}). */
    int indexOfAdded(String name) {
      return oldCount() + added.indexOf(name);
    }

    int shstrndx() {
      return hadSections ? elf.header().shstrndx() : oldCount() + added.size() - 1;
    }

    byte[] table(long namesOffset, int namesSize, long manifestOffset, int manifestSize) {
      int count = oldCount() + added.size();
      ByteBuffer b = ByteBuffer.allocate(count * shdr.size()).order(order);
      if (elf.hasSectionHeaders()) {
        b.put(elf.slice(elf.header().shoff(), (long) elf.header().shnum() * shdr.size()));
      } else {
        b.put(new byte[shdr.size()]); // SHN_UNDEF
      }
      if (hadSections) {
        int at = elf.header().shstrndx() * shdr.size();
        shdr.put(b, at, "sh_offset", namesOffset);
        shdr.put(b, at, "sh_size", namesSize);
      }
      repointCopies(b);
      for (Layout.Section s : loaded()) {
        NewSection n = s.what();
        shdr(
            b,
            SectionHeader.of(
                nameOffset(n.sectionName()),
                n.type(),
                n.flags(),
                s.vaddr(),
                s.offset(),
                s.size(),
                n.align()));
      }
      shdr(
          b,
          SectionHeader.of(
              nameOffset(Planner.MANIFEST_SECTION),
              SHT_PROGBITS,
              0,
              0,
              manifestOffset,
              manifestSize,
              1));
      for (SegmentGrowth g : growth) {
        shdr(
            b,
            SectionHeader.of(
                nameOffset(SegmentGrowth.SECTION),
                SHT_PROGBITS,
                SHF_ALLOC | SHF_EXECINSTR,
                g.oldEnd(),
                g.oldOffsetEnd(),
                g.newEnd() - g.oldEnd(),
                4));
      }
      if (symbols != null) {
        symbols.headers(b, this);
      }
      if (!hadSections) {
        shdr(
            b,
            SectionHeader.of(nameOffset(".shstrtab"), SHT_STRTAB, 0, 0, namesOffset, namesSize, 1));
      }
      check(!b.hasRemaining(), "section header count");
      return b.array();
    }

    /** Appends a section header. */
    private void shdr(ByteBuffer b, SectionHeader h) {
      int at = b.position();
      b.position(at + shdr.size());
      h.put(shdr, b, at);
    }
  }

  /**
   * A local symbol per trampoline ({@link TrampolineSymbols}): {@code
   * a64patch.<kind>.<function>+0x<offset>}, naming what the trampoline serves.
   */
  private final class Symbols {
    final TrampolineSymbols.Tables tables;
    private long strtabOffset;
    private long symtabOffset;

    Symbols() {
      List<TrampolineSymbols.Symbol> list = new ArrayList<>();
      for (SitePlan s : plan.sites()) {
        if (s.action() == SitePlan.Action.TRAMPOLINE) {
          list.add(new TrampolineSymbols.Symbol(name(s), s.trampoline(), s.code().size() * 4L));
        }
      }
      tables = TrampolineSymbols.build(elf, list, sections.indexOf(NewSection.TRAMPOLINES));
    }

    static String name(SitePlan s) {
      // Named after what the trampoline yields: a shared-clock trampoline serves the counter.
      Trampolines.Kind k =
          s.kind() == Trampolines.Kind.SHARED_COUNTER ? Trampolines.Kind.COUNTER : s.kind();
      String kind = Names.id(k);
      dev.a64patch.core.scan.SymbolRef f = s.finding().symbol();
      String where =
          f == null
              ? "0x" + Long.toHexString(s.finding().address())
              : f.demangled() + "+0x" + Long.toHexString(f.offset());
      return "a64patch." + kind + "." + where;
    }

    void place(long strtab) {
      strtabOffset = strtab;
    }

    void placeSymtab(long symtab) {
      symtabOffset = symtab;
    }

    /** Points the old headers at the copies, or writes new ones. */
    void headers(ByteBuffer b, Sections s) {
      if (!tables.created()) {
        int sym = tables.symtabIndex() * shdr.size();
        shdr.put(b, sym, "sh_offset", symtabOffset);
        shdr.put(b, sym, "sh_size", tables.symtab().length);
        shdr.put(b, sym, "sh_info", tables.firstGlobal());
        int str = tables.strtabIndex() * shdr.size();
        shdr.put(b, str, "sh_offset", strtabOffset);
        shdr.put(b, str, "sh_size", tables.strtab().length);
        return;
      }
      s.shdr(
          b,
          new SectionHeader(
              s.nameOffset(".symtab"),
              SHT_SYMTAB,
              0,
              0,
              symtabOffset,
              tables.symtab().length,
              s.indexOfAdded(".strtab"),
              tables.firstGlobal(),
              8,
              TrampolineSymbols.SYM_SIZE));
      s.shdr(
          b,
          SectionHeader.of(
              s.nameOffset(".strtab"), SHT_STRTAB, 0, 0, strtabOffset, tables.strtab().length, 1));
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("layout inconsistency: " + what);
    }
  }
}
