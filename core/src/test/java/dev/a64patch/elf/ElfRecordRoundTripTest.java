package dev.a64patch.elf;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ElfRecord} (what the writer encodes with) and elf.ksy (what the reader decodes with) are
 * two descriptions of the same records. For every header, program header, section header, symbol,
 * dynamic entry and note header of every test binary (both classes, both byte orders) and every
 * corpus library, re-encoding the values Kaitai read must give back the file's bytes, and decoding
 * the file's bytes through the table must give the values Kaitai read. Relocations, which the
 * Kaitai spec does not read, are compared with what binutils' readelf reads instead.
 */
class ElfRecordRoundTripTest {

  static Stream<Path> files() {
    Stream<Path> testdata = TestData.manifest().stream().map(TestData.Binary::path);
    List<Path> corpus;
    try {
      corpus = Corpus.all();
    } catch (org.opentest4j.TestAbortedException e) {
      corpus = List.of();
    }
    return Stream.concat(testdata, corpus.stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyRecordReEncodesToItsBytes(Path file) throws IOException {
    ElfFile elf = ElfFile.read(file);
    ElfHeader h = elf.header();
    int records = header(elf);
    ElfRecord.Format phdr = ElfRecord.PHDR.in(h);
    for (ElfSegment s : elf.segments()) {
      records +=
          same(
              elf,
              phdr,
              h.phoff() + (long) s.index() * h.phentsize(),
              Map.of(
                  "p_type", s.type(),
                  "p_flags", (long) s.flags(),
                  "p_offset", s.offset(),
                  "p_vaddr", s.vaddr(),
                  "p_paddr", s.paddr(),
                  "p_filesz", s.filesz(),
                  "p_memsz", s.memsz(),
                  "p_align", s.align()));
    }
    ElfRecord.Format shdr = ElfRecord.SHDR.in(h);
    for (ElfSection s : elf.sections()) {
      long at = h.shoff() + (long) s.index() * h.shentsize();
      java.util.HashMap<String, Long> v = new java.util.HashMap<>();
      v.put("sh_name", nameIndex(elf, s, at));
      v.put("sh_type", s.type());
      v.put("sh_flags", s.flags());
      v.put("sh_addr", s.addr());
      v.put("sh_offset", s.offset());
      v.put("sh_size", s.size());
      v.put("sh_link", s.link());
      v.put("sh_info", s.info());
      v.put("sh_addralign", s.addralign());
      v.put("sh_entsize", s.entsize());
      records += same(elf, shdr, at, v);
    }
    records += symbols(elf, ".symtab", elf.symbols());
    records += symbols(elf, ".dynsym", elf.dynamicSymbols());
    records += dynamic(elf);
    records += notes(elf);
    assertTrue(records > 1, "no records compared in " + file);
  }

  /** sh_name is an index into .shstrtab; check the index names the section Kaitai named. */
  private static long nameIndex(ElfFile elf, ElfSection s, long at) {
    long index = ElfRecord.SHDR.in(elf.header()).get(buffer(elf), (int) at, "sh_name");
    if (elf.header().shstrndx() != 0 && s.index() != 0) {
      ElfSection names = elf.sections().get(elf.header().shstrndx());
      ByteBuffer b = elf.slice(names.offset() + index, s.name().length() + 1);
      byte[] got = new byte[s.name().length()];
      b.get(got);
      assertEquals(s.name(), new String(got, java.nio.charset.StandardCharsets.ISO_8859_1));
      assertEquals(0, b.get(), "name of section " + s.index() + " not terminated");
    }
    return index;
  }

  private static int header(ElfFile elf) {
    ElfHeader h = elf.header();
    if (h.phnum() >= 0xffff || h.shnum() == 0 || h.shnum() >= 0xff00) {
      return 0; // extended numbering: the header holds escape values, not the counts
    }
    return same(
        elf,
        ElfRecord.EHDR.in(h),
        0,
        Map.ofEntries(
            Map.entry("e_type", (long) h.type()),
            Map.entry("e_machine", (long) h.machine()),
            // not modelled: always EV_CURRENT
            Map.entry("e_version", ElfRecord.EHDR.in(h).get(buffer(elf), 0, "e_version")),
            Map.entry("e_entry", h.entry()),
            Map.entry("e_phoff", h.phoff()),
            Map.entry("e_shoff", h.shoff()),
            Map.entry("e_flags", h.flags()),
            Map.entry("e_ehsize", (long) h.ehsize()),
            Map.entry("e_phentsize", (long) h.phentsize()),
            Map.entry("e_phnum", (long) h.phnum()),
            Map.entry("e_shentsize", (long) h.shentsize()),
            Map.entry("e_shnum", (long) h.shnum()),
            Map.entry("e_shstrndx", (long) h.shstrndx())));
  }

  private static int symbols(ElfFile elf, String section, List<ElfSymbol> symbols) {
    ElfSection table = elf.section(section).orElse(null);
    if (table == null) {
      return 0;
    }
    ElfRecord.Format sym = ElfRecord.SYM.in(elf.header());
    ByteBuffer raw = buffer(elf);
    for (int i = 0; i < symbols.size(); i++) {
      ElfSymbol s = symbols.get(i);
      int at = (int) (table.offset() + (long) i * sym.size());
      long other = sym.get(raw, at, "st_other");
      assertEquals(s.visibility(), other & 3, section + " symbol " + i + " st_other");
      java.util.HashMap<String, Long> v = new java.util.HashMap<>();
      v.put("st_name", sym.get(raw, at, "st_name")); // the name's index: compared through readelf
      v.put("st_value", s.value());
      v.put("st_size", s.size());
      v.put("st_info", (long) (s.bind() << 4 | s.type()));
      v.put("st_other", other); // bits above the visibility (STO_AARCH64_*) are not modelled
      v.put("st_shndx", (long) s.shndx());
      same(elf, sym, at, v);
    }
    return symbols.size();
  }

  private static int dynamic(ElfFile elf) {
    List<ElfDynamicEntry> entries = elf.dynamic();
    if (entries.isEmpty()) {
      return 0;
    }
    long start =
        elf.sections().stream()
            .filter(s -> s.type() == ElfConstants.SHT_DYNAMIC)
            .map(ElfSection::offset)
            .findFirst()
            .orElseGet(
                () ->
                    elf.segments().stream()
                        .filter(s -> s.type() == ElfConstants.PT_DYNAMIC)
                        .findFirst()
                        .orElseThrow()
                        .offset());
    ElfRecord.Format dyn = ElfRecord.DYN.in(elf.header());
    for (int i = 0; i < entries.size(); i++) {
      same(
          elf,
          dyn,
          start + (long) i * dyn.size(),
          Map.of("d_tag", entries.get(i).tag(), "d_val", entries.get(i).value()));
    }
    return entries.size();
  }

  /** Note headers: the model keeps name and descriptor; their sizes are the header's fields. */
  private static int notes(ElfFile elf) {
    ElfRecord.Format nhdr = ElfRecord.NHDR.in(elf.header());
    ByteBuffer raw = buffer(elf);
    List<Long> starts = new ArrayList<>();
    for (ElfSection s : elf.sections()) {
      if (s.type() == ElfConstants.SHT_NOTE) {
        for (long at = s.offset(); at + 12 <= s.offset() + s.size(); ) {
          starts.add(at);
          at +=
              12
                  + align4(nhdr.get(raw, (int) at, "n_namesz"))
                  + align4(nhdr.get(raw, (int) at, "n_descsz"));
        }
      }
    }
    if (starts.size() != elf.notes().size()) {
      return 0; // notes came from PT_NOTE; the section walk above does not apply
    }
    for (int i = 0; i < starts.size(); i++) {
      ElfNote n = elf.notes().get(i);
      long namesz = n.name() == null ? 0 : n.name().length() + 1;
      same(
          elf,
          nhdr,
          starts.get(i),
          Map.of("n_namesz", namesz, "n_descsz", (long) n.desc().remaining(), "n_type", n.type()));
    }
    return starts.size();
  }

  private static long align4(long v) {
    return (v + 3) & ~3L;
  }

  /**
   * Encodes {@code values} into a zeroed record and compares it with the file's bytes at {@code
   * at}, then decodes each field of the file's bytes and compares it with the value.
   */
  private static int same(ElfFile elf, ElfRecord.Format f, long at, Map<String, Long> values) {
    ByteBuffer raw = buffer(elf);
    ByteBuffer encoded = ByteBuffer.allocate(f.size()).order(raw.order());
    if (f.fields().get(0).startsWith("e_ident")) {
      encoded.put(0, elf.slice(0, 16), 0, 16);
    }
    for (Map.Entry<String, Long> e : values.entrySet()) {
      f.put(encoded, 0, e.getKey(), e.getValue());
      assertEquals(
          e.getValue(),
          f.get(raw, (int) at, e.getKey()),
          () -> elf.name() + ": " + e.getKey() + " of the record at 0x" + Long.toHexString(at));
    }
    byte[] want = new byte[f.size()];
    raw.get((int) at, want);
    assertArrayEquals(
        want,
        encoded.array(),
        () -> elf.name() + ": record at 0x" + Long.toHexString(at) + " does not re-encode");
    return 1;
  }

  private static ByteBuffer buffer(ElfFile elf) {
    return elf.bytes()
        .order(elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
  }

  /**
   * Every entry of every SHT_RELA section ({@code .rela.dyn}, {@code .rela.plt}, ...): the values
   * {@code readelf -rW} prints encode to the file's bytes, and the codec decodes the bytes to them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void everyRelaReEncodesToItsBytes(Path file) throws IOException {
    ElfFile elf = ElfFile.read(file);
    ElfRecord.Format rela = ElfRecord.RELA.in(elf.header());
    Map<Long, List<long[]>> byOffset = readelfRelocations(file);
    long word = rela.size() == 24 ? -1L : 0xffff_ffffL; // readelf prints a signed addend
    int compared = 0;
    for (ElfSection s : elf.sections()) {
      if (s.type() != ElfConstants.SHT_RELA || s.size() == 0) {
        continue;
      }
      assertEquals(rela.size(), s.entsize(), s.name() + " sh_entsize");
      List<long[]> rows = byOffset.get(s.offset());
      assertNotNull(
          rows, "readelf lists no relocation section at 0x" + Long.toHexString(s.offset()));
      assertEquals(s.size() / rela.size(), rows.size(), s.name() + " entries");
      for (int i = 0; i < rows.size(); i++) {
        long[] r = rows.get(i);
        compared +=
            same(
                elf,
                rela,
                s.offset() + (long) i * rela.size(),
                Map.of("r_offset", r[0], "r_info", r[1], "r_addend", r[2] & word));
      }
    }
    assertEquals(
        byOffset.values().stream().mapToInt(List::size).sum(),
        compared,
        "readelf lists relocations of a type the test did not compare (SHT_REL?)");
  }

  /**
   * {@code readelf -rW}: for each relocation section's file offset, its rows as (r_offset, r_info,
   * r_addend). readelf prints the addend after "+ " or "- " when the entry names a symbol, else as
   * the last column, negative ones with a leading '-'.
   */
  private static Map<Long, List<long[]>> readelfRelocations(Path file) {
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    Tools.Result r =
        Tools.run(List.of(readelf.toString(), "-rW", file.toString()), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    Map<Long, List<long[]>> out = new java.util.HashMap<>();
    List<long[]> rows = null;
    Pattern header =
        Pattern.compile("^Relocation section '.*' at offset 0x(\\p{XDigit}+) contains");
    for (String line : r.stdout().split("\n")) {
      Matcher m = header.matcher(line);
      if (m.find()) {
        rows = new ArrayList<>();
        out.put(Long.parseUnsignedLong(m.group(1), 16), rows);
        continue;
      }
      String[] t = line.trim().split("\\s+");
      if (rows == null || t.length < 3 || !t[0].matches("\\p{XDigit}+")) {
        continue;
      }
      String last = t[t.length - 1];
      boolean negative = last.startsWith("-") || t[t.length - 2].equals("-");
      long addend = Long.parseUnsignedLong(last.replace("-", ""), 16);
      rows.add(
          new long[] {
            Long.parseUnsignedLong(t[0], 16),
            Long.parseUnsignedLong(t[1], 16),
            negative ? -addend : addend
          });
    }
    return out;
  }

  @Test
  void fieldsFollowTheGabiOrderOfEachClass() {
    // Independent of the code: sizes and the offsets readelf's sources document.
    assertEquals(64, ElfRecord.EHDR.in(ElfConstants.ELFCLASS64).size());
    assertEquals(52, ElfRecord.EHDR.in(ElfConstants.ELFCLASS32).size());
    assertEquals(56, ElfRecord.PHDR.in(ElfConstants.ELFCLASS64).size());
    assertEquals(32, ElfRecord.PHDR.in(ElfConstants.ELFCLASS32).size());
    assertEquals(4, ElfRecord.PHDR.in(ElfConstants.ELFCLASS64).offset("p_flags"));
    assertEquals(24, ElfRecord.PHDR.in(ElfConstants.ELFCLASS32).offset("p_flags"));
    assertEquals(64, ElfRecord.SHDR.in(ElfConstants.ELFCLASS64).size());
    assertEquals(40, ElfRecord.SHDR.in(ElfConstants.ELFCLASS32).size());
    assertEquals(24, ElfRecord.SYM.in(ElfConstants.ELFCLASS64).size());
    assertEquals(16, ElfRecord.SYM.in(ElfConstants.ELFCLASS32).size());
    assertEquals(24, ElfRecord.RELA.in(ElfConstants.ELFCLASS64).size());
    assertEquals(12, ElfRecord.RELA.in(ElfConstants.ELFCLASS32).size());
    assertEquals(12, ElfRecord.NHDR.in(ElfConstants.ELFCLASS64).size());
    assertEquals(0x3e, ElfRecord.EHDR.in(ElfConstants.ELFCLASS64).offset("e_shstrndx"));
    assertEquals(0x32, ElfRecord.EHDR.in(ElfConstants.ELFCLASS32).offset("e_shstrndx"));
    ByteBuffer b = ByteBuffer.allocate(2);
    assertThrows(
        IllegalArgumentException.class,
        () -> ElfRecord.EHDR.in(ElfConstants.ELFCLASS64).put(b, 0, "e_phnum", 0x10000));
  }
}
