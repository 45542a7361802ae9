package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfDynamicEntry;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The weak import of the shared clock {@value ClockLibrary#SYMBOL} (docs/design.md, "One clock per
 * process"): copies of {@code .dynsym}, {@code .gnu.version}, {@code .rela.dyn} and {@code .dynstr}
 * in a new read-only segment, grown by one undefined weak symbol and one {@code R_AARCH64_GLOB_DAT}
 * that fills the slot the trampolines read; and the {@code .dynamic} entries that point at them,
 * rewritten in place (same number of entries, nothing moves).
 *
 * <p>Why it is sound, against glibc's loader: an undefined symbol is never looked up by hash in its
 * own object, so it can follow the last entry of {@code .dynsym} without touching {@code .gnu.hash}
 * or {@code .hash} (whose chains end before it; {@code nchain} stays as it is, so tools that count
 * symbols through {@code DT_HASH} do not see it). Relocation processing indexes the symbol table
 * and the version table by the relocation's symbol index, so both copies grow together; version
 * index 1 (global) means an unversioned lookup against a definition that has no versions. The
 * relocation goes last, after the {@code DT_RELACOUNT} relative ones. A weak reference that nothing
 * defines resolves to 0 ({@code _dl_lookup_symbol_x} returns no symbol and does not fail for
 * STB_WEAK), and the trampoline then uses the object's own counter.
 */
final class ClockImport {
  /** One original dynamic table: its address, file offset and size. */
  private record Table(long vaddr, long offset, long size) {}

  private final ElfFile elf;
  private final Table dynsym;
  private final Table dynstr;
  private final Table versym; // null without DT_VERSYM
  private final Table rela;
  private final long dynamicOffset;
  private final int symbolIndex;

  private ClockImport(
      ElfFile elf,
      Table dynsym,
      Table dynstr,
      Table versym,
      Table rela,
      long dynamicOffset,
      int symbolIndex) {
    this.elf = elf;
    this.dynsym = dynsym;
    this.dynstr = dynstr;
    this.versym = versym;
    this.rela = rela;
    this.dynamicOffset = dynamicOffset;
    this.symbolIndex = symbolIndex;
  }

  /** What {@link #check} found: the import, or why the object keeps its own counter. */
  record Check(ClockImport clock, String reason) {
    boolean possible() {
      return clock != null;
    }
  }

  static Check check(ElfFile elf) {
    try {
      return new Check(of(elf), "");
    } catch (Refusal r) {
      return new Check(null, r.getMessage());
    }
  }

  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refusal(String why) {
      super(why, null, false, false);
    }
  }

  private static ClockImport of(ElfFile elf) {
    ElfSegment dynamic =
        elf.segments().stream()
            .filter(s -> s.type() == PT_DYNAMIC)
            .findFirst()
            .orElseThrow(() -> new Refusal("no PT_DYNAMIC (a static program)"));
    boolean loadedByLdSo =
        elf.header().type() == ET_DYN && !Layout.isExecutable(elf)
            || elf.segments().stream().anyMatch(s -> s.type() == PT_INTERP);
    if (!loadedByLdSo) {
      throw new Refusal("not loaded by the dynamic linker (static-pie)");
    }
    ElfRecord.Format sym = ElfRecord.SYM.in(elf.header());
    ElfRecord.Format rel = ElfRecord.RELA.in(elf.header());
    long symtab = tag(elf, DT_SYMTAB);
    ElfSection dynsymSection =
        elf.sections().stream()
            .filter(s -> s.type() == SHT_DYNSYM && s.addr() == symtab)
            .findFirst()
            .orElseThrow(
                () -> new Refusal("no .dynsym section header at DT_SYMTAB: symbol count unknown"));
    if (dynsymSection.entsize() != sym.size() || dynsymSection.size() % sym.size() != 0) {
      throw new Refusal(".dynsym has an unexpected entry size");
    }
    int count = (int) (dynsymSection.size() / sym.size());
    long relaAddr = tag(elf, DT_RELA);
    long relaSize = tag(elf, DT_RELASZ);
    if (has(elf, DT_RELAENT) && tag(elf, DT_RELAENT) != rel.size()) {
      throw new Refusal("DT_RELAENT is not " + rel.size());
    }
    if (has(elf, DT_JMPREL)) {
      long jmprel = tag(elf, DT_JMPREL);
      if (jmprel >= relaAddr && jmprel < relaAddr + relaSize) {
        throw new Refusal("DT_RELASZ covers the PLT relocations");
      }
    }
    return new ClockImport(
        elf,
        table(elf, symtab, dynsymSection.size(), "DT_SYMTAB"),
        table(elf, tag(elf, DT_STRTAB), tag(elf, DT_STRSZ), "DT_STRTAB"),
        has(elf, DT_VERSYM) ? table(elf, tag(elf, DT_VERSYM), 2L * count, "DT_VERSYM") : null,
        table(elf, relaAddr, relaSize, "DT_RELA"),
        dynamic.offset(),
        count);
  }

  private static boolean has(ElfFile elf, long tag) {
    return elf.dynamic().stream().anyMatch(d -> d.tag() == tag);
  }

  private static long tag(ElfFile elf, long tag) {
    return elf.dynamic().stream()
        .filter(d -> d.tag() == tag)
        .map(ElfDynamicEntry::value)
        .findFirst()
        .orElseThrow(() -> new Refusal("no " + dynamicTagName(tag)));
  }

  private static Table table(ElfFile elf, long vaddr, long size, String what) {
    // A size field is a 64-bit unsigned value from the file: one above the file's length (or,
    // read as a Java long, negative) would size the copy, and every address after it, absurdly.
    if (size < 0 || size > elf.size()) {
      throw new Refusal(
          String.format(
              "%s table of %s bytes is larger than the file", what, Long.toUnsignedString(size)));
    }
    long offset =
        elf.offsetOf(vaddr).orElseThrow(() -> new Refusal(what + " is not mapped from the file"));
    if (size > 0
        && !elf.offsetOf(vaddr + size - 1).equals(java.util.Optional.of(offset + size - 1))) {
      throw new Refusal(what + " table is not contiguous in the file");
    }
    return new Table(vaddr, offset, size);
  }

  /** The sizes of the copies, for the layout. */
  Map<NewSection, Long> sizes() {
    Map<NewSection, Long> sizes = new EnumMap<>(NewSection.class);
    sizes.put(NewSection.DYNSYM, dynsym.size() + ElfRecord.SYM.in(elf.header()).size());
    if (versym != null) {
      sizes.put(NewSection.VERSYM, versym.size() + 2);
    }
    sizes.put(NewSection.RELA, rela.size() + ElfRecord.RELA.in(elf.header()).size());
    sizes.put(NewSection.DYNSTR, dynstr.size() + ClockLibrary.SYMBOL.length() + 1);
    return sizes;
  }

  /** The .dynamic entries that must point at the copies placed by {@code layout}. */
  List<DynamicEdit> edits(Layout layout) {
    ElfRecord.Format dyn = ElfRecord.DYN.in(elf.header());
    Map<Long, Long> wanted = new java.util.LinkedHashMap<>();
    wanted.put(DT_SYMTAB, vaddr(layout, NewSection.DYNSYM));
    wanted.put(DT_STRTAB, vaddr(layout, NewSection.DYNSTR));
    wanted.put(DT_STRSZ, layout.section(NewSection.DYNSTR).orElseThrow().size());
    if (versym != null) {
      wanted.put(DT_VERSYM, vaddr(layout, NewSection.VERSYM));
    }
    wanted.put(DT_RELA, vaddr(layout, NewSection.RELA));
    wanted.put(DT_RELASZ, layout.section(NewSection.RELA).orElseThrow().size());
    List<DynamicEdit> edits = new ArrayList<>();
    List<ElfDynamicEntry> entries = elf.dynamic();
    for (int i = 0; i < entries.size(); i++) {
      ElfDynamicEntry e = entries.get(i);
      Long value = wanted.remove(e.tag());
      if (value != null) {
        long at = dynamicOffset + (long) i * dyn.size() + dyn.offset("d_val");
        edits.add(new DynamicEdit(at, e.tag(), e.value(), value));
      }
    }
    return edits;
  }

  private static long vaddr(Layout layout, NewSection s) {
    return layout.section(s).orElseThrow().vaddr();
  }

  /** The bytes of one copy; {@code slot} is the address the relocation fills. */
  byte[] contents(NewSection what, long slot) {
    return switch (what) {
      case DYNSYM -> grown(dynsym, symbol());
      case VERSYM -> grown(versym, half(1)); // VER_NDX_GLOBAL: an unversioned reference
      case RELA -> grown(rela, relocation(slot));
      case DYNSTR ->
          grown(dynstr, (ClockLibrary.SYMBOL + "\0").getBytes(StandardCharsets.US_ASCII));
      default -> throw new IllegalArgumentException(what.name());
    };
  }

  private byte[] grown(Table t, byte[] tail) {
    byte[] out = new byte[(int) t.size() + tail.length];
    elf.slice(t.offset(), t.size()).get(out, 0, (int) t.size());
    System.arraycopy(tail, 0, out, (int) t.size(), tail.length);
    return out;
  }

  private byte[] symbol() {
    ElfRecord.Format f = ElfRecord.SYM.in(elf.header());
    ByteBuffer b = ByteBuffer.allocate(f.size()).order(order());
    f.put(b, 0, "st_name", dynstr.size());
    f.put(b, 0, "st_info", STB_WEAK << 4 | STT_OBJECT);
    return b.array();
  }

  private byte[] relocation(long slot) {
    ElfRecord.Format f = ElfRecord.RELA.in(elf.header());
    ByteBuffer b = ByteBuffer.allocate(f.size()).order(order());
    f.put(b, 0, "r_offset", slot);
    f.put(b, 0, "r_info", (long) symbolIndex << 32 | R_AARCH64_GLOB_DAT);
    return b.array();
  }

  private byte[] half(int v) {
    return ByteBuffer.allocate(2).order(order()).putShort((short) v).array();
  }

  private ByteOrder order() {
    return order(elf);
  }

  /** The address each copy replaces, to repoint the section header that described it. */
  long originalAddress(NewSection what) {
    return switch (what) {
      case DYNSYM -> dynsym.vaddr();
      case VERSYM -> versym.vaddr();
      case RELA -> rela.vaddr();
      case DYNSTR -> dynstr.vaddr();
      default -> throw new IllegalArgumentException(what.name());
    };
  }

  /** The d_val at file offset {@code offset}, in the file's class and byte order. */
  static long dynamicValue(ElfFile elf, long offset) {
    ElfRecord.Format dyn = ElfRecord.DYN.in(elf.header());
    ByteBuffer b = elf.bytes().order(order(elf));
    return dyn.get(b, (int) (offset - dyn.offset("d_val")), "d_val");
  }

  /**
   * What verify checks of a patched file's import: every recorded .dynamic entry holds the value
   * a64patch wrote, and the tables they point at end with the weak undefined {@value
   * ClockLibrary#SYMBOL} and the GLOB_DAT relocation that fills the clock slot with it.
   */
  static List<String> verify(ElfFile elf, Manifest m) {
    List<String> problems = new ArrayList<>();
    if (m.dynamic().isEmpty()) {
      return problems;
    }
    // By tag, not by the recorded file offset: strip may move .dynamic and the tables in the
    // file while keeping their addresses.
    Map<Long, Long> values = new java.util.HashMap<>();
    for (ElfDynamicEntry d : elf.dynamic()) {
      values.putIfAbsent(d.tag(), d.value());
    }
    for (DynamicEdit e : m.dynamic()) {
      Long found = values.get(e.tag());
      if (found == null || found != e.patched()) {
        problems.add(
            String.format(
                ".dynamic entry 0x%x holds %s, expected 0x%x",
                e.tag(), found == null ? "nothing" : "0x" + Long.toHexString(found), e.patched()));
      }
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    try {
      ElfRecord.Format sym = ElfRecord.SYM.in(elf.header());
      ElfRecord.Format rel = ElfRecord.RELA.in(elf.header());
      ByteBuffer b = elf.bytes().order(order(elf));
      Layout.Section dynsym = m.section(NewSection.DYNSYM).orElseThrow();
      Layout.Section data = m.section(NewSection.TRAMPOLINE_DATA).orElseThrow();
      int index = (int) (dynsym.size() / sym.size()) - 1;
      long dynsymAt = elf.offsetOf(values.get(DT_SYMTAB)).orElseThrow();
      int last = (int) (dynsymAt + (long) index * sym.size());
      long strtab = elf.offsetOf(values.get(DT_STRTAB)).orElseThrow();
      long nameAt = strtab + sym.get(b, last, "st_name");
      byte[] name = new byte[ClockLibrary.SYMBOL.length() + 1];
      b.get((int) nameAt, name);
      if (!new String(name, StandardCharsets.US_ASCII).equals(ClockLibrary.SYMBOL + "\0")
          || sym.get(b, last, "st_info") != (STB_WEAK << 4 | STT_OBJECT)
          || sym.get(b, last, "st_shndx") != SHN_UNDEF) {
        problems.add("the last dynamic symbol is not the weak undefined " + ClockLibrary.SYMBOL);
      }
      long relaAt = elf.offsetOf(values.get(DT_RELA)).orElseThrow();
      int r = (int) (relaAt + values.get(DT_RELASZ) - rel.size());
      long slot = data.vaddr() + Trampolines.CLOCK_SLOT_OFFSET;
      if (rel.get(b, r, "r_offset") != slot
          || rel.get(b, r, "r_info") != ((long) index << 32 | R_AARCH64_GLOB_DAT)
          || rel.get(b, r, "r_addend") != 0) {
        problems.add(
            String.format(
                "the last dynamic relocation is not R_AARCH64_GLOB_DAT of %s into the clock slot"
                    + " at 0x%x",
                ClockLibrary.SYMBOL, slot));
      }
    } catch (RuntimeException e) {
      problems.add("the shared clock's tables are not where the manifest says: " + e);
    }
    return problems;
  }

  private static ByteOrder order(ElfFile elf) {
    return elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
  }

  private static String dynamicTagName(long tag) {
    return tag == DT_SYMTAB
        ? "DT_SYMTAB"
        : tag == DT_STRTAB
            ? "DT_STRTAB"
            : tag == DT_STRSZ
                ? "DT_STRSZ"
                : tag == DT_RELA ? "DT_RELA" : tag == DT_RELASZ ? "DT_RELASZ" : "DT_" + tag;
  }
}
