package dev.a64patch.elf;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model must agree with binutils' readelf on segments, sections and symbols, for every byte
 * order and class.
 */
class ReadelfOracleTest {

  static Stream<Path> files() {
    Stream<Path> testdata = TestData.manifest().stream().map(TestData.Binary::path);
    List<Path> corpus = Files.corpusSample();
    return Stream.concat(testdata, corpus.stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void segmentsSectionsAndSymbolsMatchReadelf(Path file) throws IOException {
    ElfFile elf = ElfFile.read(file);
    assertEquals(
        readelfSegments(file),
        elf.segments().stream().map(ReadelfOracleTest::segmentLine).toList(),
        "program headers of " + file);
    assertEquals(
        readelfSections(file),
        elf.sections().stream().skip(1).map(ReadelfOracleTest::sectionLine).toList(),
        "section headers of " + file);
    assertEquals(
        readelfSymbols(file, ".symtab"),
        elf.symbols().stream().map(ReadelfOracleTest::symbolLine).toList());
    assertEquals(
        readelfSymbols(file, ".dynsym"),
        elf.dynamicSymbols().stream().map(ReadelfOracleTest::symbolLine).toList());
    // The in-place view used on the hot path must read the same records as the Kaitai model.
    assertEquals(elf.symbols(), view(elf.symbolTable()), "in-place .symtab view of " + file);
    assertEquals(
        elf.dynamicSymbols(), view(elf.dynamicSymbolTable()), "in-place .dynsym view of " + file);
  }

  static List<ElfSymbol> view(java.util.Optional<ElfSymbolTable> table) {
    List<ElfSymbol> out = new ArrayList<>();
    table.ifPresent(
        t -> {
          for (int i = 0; i < t.count(); i++) {
            out.add(
                new ElfSymbol(
                    t.name(i),
                    t.value(i),
                    t.size(i),
                    t.type(i),
                    t.bind(i),
                    t.visibility(i),
                    t.shndx(i)));
          }
        });
    return out;
  }

  static String segmentLine(ElfSegment s) {
    return String.format(
        "%x %x %x %x %x %x", s.type(), s.offset(), s.vaddr(), s.filesz(), s.memsz(), s.align());
  }

  static String sectionLine(ElfSection s) {
    return String.format("%s %x %x %x %x", s.name(), s.addr(), s.offset(), s.size(), s.entsize());
  }

  static String symbolLine(ElfSymbol s) {
    return String.format("%x %d %s", s.value(), s.size(), s.name());
  }

  private static String readelf(Path file, String... flags) {
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    List<String> cmd = new ArrayList<>(List.of(readelf.toString(), "-W"));
    cmd.addAll(List.of(flags));
    cmd.add(file.toString());
    Tools.Result r = Tools.run(cmd, Duration.ofMinutes(2));
    assertEquals(0, r.exitCode(), r.describe());
    return r.stdout();
  }

  private static final Pattern PHDR =
      Pattern.compile(
          "^\\s+([A-Z_0-9a-fx+]+)\\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+) .* (?:0x)?([0-9a-f]+)$");

  static List<String> readelfSegments(Path file) {
    List<String> out = new ArrayList<>();
    for (String line : readelf(file, "-l").split("\n")) {
      Matcher m = PHDR.matcher(line);
      if (m.matches()) {
        out.add(
            String.format(
                "%x %s %s %s %s %s",
                segmentType(m.group(1)),
                strip(m.group(2)),
                strip(m.group(3)),
                strip(m.group(5)),
                strip(m.group(6)),
                strip(m.group(7))));
      }
    }
    return out;
  }

  private static long segmentType(String name) {
    return switch (name) {
      case "NULL" -> 0;
      case "LOAD" -> 1;
      case "DYNAMIC" -> 2;
      case "INTERP" -> 3;
      case "NOTE" -> 4;
      case "SHLIB" -> 5;
      case "PHDR" -> 6;
      case "TLS" -> 7;
      case "GNU_EH_FRAME" -> 0x6474e550L;
      case "GNU_STACK" -> 0x6474e551L;
      case "GNU_RELRO" -> 0x6474e552L;
      case "GNU_PROPERTY" -> 0x6474e553L;
      case "EXIDX" -> 0x70000001L;
      case "ATTRIBUTES" -> 0x70000003L;
      default -> name.startsWith("0x") ? Long.parseLong(name.substring(2), 16) : -1;
    };
  }

  private static final Pattern SHDR = Pattern.compile("^\\s*\\[\\s*(\\d+)\\]\\s(.*)$");

  static List<String> readelfSections(Path file) {
    List<String> out = new ArrayList<>();
    for (String line : readelf(file, "-S").split("\n")) {
      Matcher m = SHDR.matcher(line);
      if (!m.matches() || m.group(1).equals("0")) {
        continue;
      }
      // Name Type Address Off Size ES [Flg] Lk Inf Al
      String[] t = m.group(2).trim().split("\\s+");
      out.add(
          String.format(
              "%s %s %s %s %s", t[0], strip(t[2]), strip(t[3]), strip(t[4]), strip(t[5])));
    }
    return out;
  }

  private static final Pattern SYM =
      Pattern.compile("^\\s*\\d+: ([0-9a-f]+)\\s+(0x[0-9a-f]+|\\d+) (.*)$");

  /**
   * After the type and binding: visibility, optional [st_other extras], st_shndx, optional name.
   */
  private static final Pattern SYM_TAIL =
      Pattern.compile(
          "(DEFAULT|HIDDEN|PROTECTED|INTERNAL)(\\s+\\[[^\\]]*\\])?\\s+(\\S+)(\\s+(\\S+))?$");

  static List<String> readelfSymbols(Path file, String table) {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : readelf(file, "-s").split("\n")) {
      if (line.startsWith("Symbol table ")) {
        in = line.contains("'" + table + "'");
        continue;
      }
      Matcher m = in ? SYM.matcher(line) : null;
      if (m == null || !m.matches()) {
        continue;
      }
      String rest = m.group(3).stripTrailing().replaceAll(" \\(\\d+\\)$", "");
      Matcher t = SYM_TAIL.matcher(rest);
      assertTrue(t.find(), "unparsed readelf line: " + line);
      // readelf names STT_SECTION symbols after their section; their st_name is 0.
      String name = rest.startsWith("SECTION") || t.group(5) == null ? "" : t.group(5);
      int at = name.indexOf('@');
      if (at > 0 && table.equals(".dynsym")) {
        name = name.substring(0, at); // readelf appends the symbol version
      }
      long size =
          m.group(2).startsWith("0x")
              ? Long.parseLong(m.group(2).substring(2), 16)
              : Long.parseLong(m.group(2));
      out.add(String.format("%s %d %s", strip(m.group(1)), size, name));
    }
    return out;
  }

  private static String strip(String hex) {
    return Long.toHexString(Long.parseUnsignedLong(hex, 16));
  }

  /** A few corpus libraries, so the oracle also covers stripped, real-world files. */
  static final class Files {
    static List<Path> corpusSample() {
      try {
        return List.of(
            Corpus.lib("libabsl_base.so."),
            Corpus.lib("librte_eal.so."),
            Corpus.lib("libtcmalloc.so."));
      } catch (org.opentest4j.TestAbortedException e) {
        return List.of();
      }
    }
  }
}
