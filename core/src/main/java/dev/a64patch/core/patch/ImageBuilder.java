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
 * {@code PatchPlan -> PatchImage}: lays out the appended tail
 *
 * <pre>
 *   [zero padding][R+X: program headers | trampolines][RW: data][.shstrtab copy][manifest][section headers]
 * </pre>
 *
 * and the new ELF header. ELF structures are written in the file's byte order; instructions are
 * always little-endian.
 */
public final class ImageBuilder {
  static final String TEXT_SECTION = ".a64patch.text";
  static final String DATA_SECTION = ".a64patch.data";
  private static final int EHDR_SIZE = 64;
  private static final int SHDR_SIZE = 64;

  private final ElfFile elf;
  private final PatchPlan plan;
  private final ByteOrder order;

  private ImageBuilder(ElfFile elf, PatchPlan plan) {
    this.elf = elf;
    this.plan = plan;
    this.order = elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
  }

  public static PatchImage build(ElfFile elf, PatchPlan plan) {
    return new ImageBuilder(elf, plan).build();
  }

  private PatchImage build() {
    Layout layout = plan.layout();
    Tail tail = new Tail(layout.tailOffset());
    if (layout.text() != null) {
      tail.put(programHeaders());
      tail.zerosTo(plan.trampolineBase() - layout.text().vaddr() + layout.text().offset());
      for (SitePlan s : plan.sites()) {
        for (Insn i : s.code()) {
          tail.putInt(i.word(), ByteOrder.LITTLE_ENDIAN);
        }
      }
      check(tail.offset() == layout.text().offset() + layout.text().size(), "text segment size");
    }
    if (layout.data() != null) {
      tail.zerosTo(layout.data().offset());
      ByteBuffer d = ByteBuffer.allocate(Trampolines.DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      d.putLong(Trampolines.COUNTER_OFFSET, Trampolines.COUNTER_START);
      d.putLong(Trampolines.RNDR_SEQUENCE_OFFSET, 1);
      tail.put(d.array());
    }
    byte[] originalHeader = new byte[EHDR_SIZE];
    elf.slice(0, EHDR_SIZE).get(originalHeader);
    Sections sections = new Sections();
    tail.align(8);
    long shstrtabOffset = tail.offset();
    byte[] names = sections.names();
    tail.put(names);
    tail.align(8);
    long manifestOffset = tail.offset();
    byte[] manifest = Manifest.of(plan, originalHeader).toBytes();
    tail.put(manifest);
    tail.align(8);
    long shoff = tail.offset();
    byte[] table = sections.table(shstrtabOffset, names.length, manifestOffset, manifest.length);
    tail.put(table);
    List<PatchImage.WordEdit> words =
        plan.sites().stream()
            .filter(SitePlan::changesFile)
            .map(s -> new PatchImage.WordEdit(s.finding().offset(), s.newWord()))
            .toList();
    return new PatchImage(
        elf.size(),
        header(originalHeader, shoff, table.length / SHDR_SIZE, sections.shstrndx()),
        words,
        layout.tailOffset(),
        tail.bytes());
  }

  /**
   * The old program headers in their order, PT_PHDR moved to the new table, new PT_LOADs after the
   * last one.
   */
  private byte[] programHeaders() {
    Layout layout = plan.layout();
    ByteBuffer out = ByteBuffer.allocate(plan.phnum() * Planner.PHDR_SIZE).order(order);
    List<ElfSegment> segments = elf.segments();
    int lastLoad = -1;
    for (ElfSegment s : segments) {
      if (s.isLoad()) {
        lastLoad = s.index();
      }
    }
    long tableSize = (long) plan.phnum() * Planner.PHDR_SIZE;
    for (ElfSegment s : segments) {
      if (s.type() == PT_PHDR) {
        phdr(
            out,
            PT_PHDR,
            s.flags(),
            layout.text().offset(),
            layout.text().vaddr(),
            tableSize,
            tableSize,
            s.align());
      } else {
        ByteBuffer raw =
            elf.slice(
                elf.header().phoff() + (long) s.index() * Planner.PHDR_SIZE, Planner.PHDR_SIZE);
        out.put(raw);
      }
      if (s.index() == lastLoad) {
        for (Layout.Segment n : newSegments()) {
          phdr(
              out,
              PT_LOAD,
              n.flags(),
              n.offset(),
              n.vaddr(),
              n.size(),
              n.size(),
              layout.alignment());
        }
      }
    }
    check(!out.hasRemaining(), "program header count");
    return out.array();
  }

  private List<Layout.Segment> newSegments() {
    List<Layout.Segment> out = new ArrayList<>();
    out.add(plan.layout().text());
    if (plan.layout().data() != null) {
      out.add(plan.layout().data());
    }
    return out;
  }

  private void phdr(
      ByteBuffer out,
      long type,
      int flags,
      long offset,
      long vaddr,
      long filesz,
      long memsz,
      long align) {
    out.putInt((int) type)
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
    if (plan.layout().text() != null) {
      h.putLong(0x20, plan.layout().text().offset()); // e_phoff
      h.putShort(0x38, (short) plan.phnum()); // e_phnum
    }
    h.putLong(0x28, shoff); // e_shoff
    h.putShort(0x3a, (short) SHDR_SIZE); // e_shentsize
    h.putShort(0x3c, (short) shnum); // e_shnum
    h.putShort(0x3e, (short) shstrndx); // e_shstrndx
    return h.array();
  }

  /**
   * The new section header table: the old entries unchanged except .shstrtab, which points at a
   * copy grown by the new names (so every old sh_name stays valid), then sections over the
   * trampolines, the data and the manifest.
   */
  private final class Sections {
    private final byte[] oldNames;
    private final boolean hadSections =
        elf.hasSectionHeaders() && elf.header().shstrndx() != SHN_UNDEF;
    private final List<String> added = new ArrayList<>();

    Sections() {
      if (hadSections) {
        ElfSection s = elf.sections().get(elf.header().shstrndx());
        ByteBuffer b = elf.slice(s.offset(), s.size());
        oldNames = new byte[b.remaining()];
        b.get(oldNames);
      } else {
        oldNames = new byte[] {0};
      }
      if (plan.layout().text() != null) added.add(TEXT_SECTION);
      if (plan.layout().data() != null) added.add(DATA_SECTION);
      added.add(Planner.MANIFEST_SECTION);
      if (!hadSections) added.add(".shstrtab");
    }

    byte[] names() {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(oldNames);
      for (String n : added) {
        b.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
        b.write(0);
      }
      return b.toByteArray();
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
      ByteBuffer out = ByteBuffer.allocate(count * SHDR_SIZE).order(order);
      if (elf.hasSectionHeaders()) {
        out.put(elf.slice(elf.header().shoff(), (long) elf.header().shnum() * SHDR_SIZE));
      } else {
        out.put(new byte[SHDR_SIZE]); // SHN_UNDEF
      }
      if (hadSections) {
        int at = elf.header().shstrndx() * SHDR_SIZE;
        out.putLong(at + 0x18, namesOffset); // sh_offset
        out.putLong(at + 0x20, namesSize); // sh_size
      }
      Layout layout = plan.layout();
      if (layout.text() != null) {
        long start = plan.trampolineBase();
        long size = layout.text().end() - start;
        shdr(
            out,
            nameOffset(TEXT_SECTION),
            SHT_PROGBITS,
            SHF_ALLOC | SHF_EXECINSTR,
            start,
            layout.text().offset() + (start - layout.text().vaddr()),
            size,
            4);
      }
      if (layout.data() != null) {
        shdr(
            out,
            nameOffset(DATA_SECTION),
            SHT_PROGBITS,
            SHF_ALLOC | SHF_WRITE,
            layout.data().vaddr(),
            layout.data().offset(),
            layout.data().size(),
            8);
      }
      shdr(
          out,
          nameOffset(Planner.MANIFEST_SECTION),
          SHT_PROGBITS,
          0,
          0,
          manifestOffset,
          manifestSize,
          1);
      if (!hadSections) {
        shdr(out, nameOffset(".shstrtab"), SHT_STRTAB, 0, 0, namesOffset, namesSize, 1);
      }
      check(!out.hasRemaining(), "section header count");
      return out.array();
    }

    private void shdr(
        ByteBuffer out,
        int name,
        long type,
        long flags,
        long addr,
        long offset,
        long size,
        long align) {
      out.putInt(name)
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

  /** The appended bytes, addressed by file offset. */
  private static final class Tail {
    private final long start;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Tail(long start) {
      this.start = start;
    }

    long offset() {
      return start + bytes.size();
    }

    void put(byte[] b) {
      bytes.writeBytes(b);
    }

    void putInt(int v, ByteOrder o) {
      put(ByteBuffer.allocate(4).order(o).putInt(v).array());
    }

    void zerosTo(long offset) {
      check(offset >= offset(), "tail moves backwards");
      put(new byte[(int) (offset - offset())]);
    }

    void align(int a) {
      zerosTo((offset() + a - 1) / a * a);
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }
  }
}
