package dev.a64patch.core.cfi;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The call-frame interpreter against binutils: for every FDE of a file, the rules {@code readelf
 * --debug-dump=frames-interp} prints at each of its rows equal those of {@link CfaProgram} at that
 * address, and the other way round (every row of ours is checked against readelf's row in effect
 * there).
 */
class ReadelfFramesOracleTest {
  static Stream<Path> testdata() {
    return TestData.manifest(b -> !b.isObject()).stream()
        .map(TestData.Binary::path)
        .filter(p -> !p.getFileName().toString().startsWith("hello"))
        .filter(p -> !p.getFileName().toString().startsWith("be-"));
  }

  @ParameterizedTest
  @MethodSource("testdata")
  void testdataBinaries(Path file) throws IOException {
    assertSameRows(file);
  }

  @Test
  void sysrootLibraries() throws IOException {
    for (String lib : List.of("libc.so.6", "libgcc_s.so.1")) {
      Path p = Path.of("/usr/aarch64-linux-gnu/lib", lib);
      org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(p), "no " + p);
      assertSameRows(p);
    }
  }

  @Test
  void corpusLibraries() throws IOException {
    // One library per upstream project (gcc- and clang-built, C and C++), to keep this fast.
    for (String prefix :
        List.of("libabsl_base.so.", "librte_eal.so.", "libtcmalloc.so.", "libjemalloc.so.")) {
      assertSameRows(Corpus.lib(prefix));
    }
  }

  /**
   * Files without section headers are invisible to readelf's frame dump; they are compared with the
   * file they were cut from (testdata/build.sh), whose .eh_frame is the same bytes at the same
   * addresses.
   */
  static Path oracleFor(Path file) {
    String n = file.getFileName().toString();
    return switch (n) {
      case "counters-gcc-noshdr" -> TestData.bin("counters-gcc-stripped");
      case "counters-clang-noshdr" -> TestData.bin("counters-clang-pie");
      default -> file;
    };
  }

  static void assertSameRows(Path file) throws IOException {
    Map<String, List<ReadelfFrames.ReadelfRow>> expected = ReadelfFrames.of(oracleFor(file));
    ElfFile elf = ElfFile.read(file);
    EhFrame frames = EhFrame.of(elf);
    assertEquals(
        expected.size(), frames.fdes().size(), file + ": number of FDEs readelf shows vs ours");
    int rowsChecked = 0;
    for (Fde fde : frames.fdes()) {
      String key = String.format("%016x..%016x", fde.pcBegin(), fde.pcEnd());
      List<ReadelfFrames.ReadelfRow> theirs = expected.get(key);
      assertNotNull(theirs, file + ": readelf has no FDE " + key);
      List<Row> ours = CfaProgram.rows(fde, true);
      if (theirs.isEmpty()) {
        // readelf prints no table when the FDE adds nothing to its CIE.
        for (Row row : ours) {
          assertEquals(
              List.of(),
              render(row, fde, List.of()).values().stream().filter(v -> !v.equals("u")).toList());
        }
        continue;
      }
      List<String> columns = new ArrayList<>(theirs.get(0).regs().keySet());
      List<Long> locs = new ArrayList<>();
      theirs.forEach(t -> locs.add(t.loc()));
      ours.forEach(o -> locs.add(o.loc()));
      for (long loc : locs) {
        if (loc < fde.pcBegin() || loc >= fde.pcEnd()) {
          continue;
        }
        ReadelfFrames.ReadelfRow t = null;
        for (ReadelfFrames.ReadelfRow x : theirs) {
          if (x.loc() <= loc) t = x;
        }
        Row o = null;
        for (Row x : ours) {
          if (x.loc() <= loc) o = x;
        }
        String where = String.format("%s: FDE %s at 0x%x", file, key, loc);
        assertNotNull(t, where);
        assertEquals(t.cfa(), cfaText(o.cfa()), where + " CFA");
        Map<String, String> mine = render(o, fde, columns);
        assertEquals(t.regs(), mine, where + " registers");
        rowsChecked++;
      }
    }
    assertTrue(rowsChecked > 0 || frames.fdes().isEmpty(), file + ": nothing compared");
  }

  /** Our row in readelf's notation, for readelf's columns plus any register we have a rule for. */
  static Map<String, String> render(Row row, Fde fde, List<String> columns) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String c : columns) {
      out.put(c, "u");
    }
    for (Map.Entry<Integer, Rule> e : row.rules().entrySet()) {
      String name = e.getKey() == fde.cie().raColumn() ? "ra" : regName(e.getKey());
      out.put(name, ruleText(e.getValue()));
    }
    return out;
  }

  static String regName(int r) {
    if (r <= 30) return "x" + r;
    if (r == 31) return "sp";
    if (r >= 64 && r <= 95) return "v" + (r - 64);
    return "r" + r;
  }

  static String ruleText(Rule r) {
    if (r instanceof Rule.Undefined) return "u";
    if (r instanceof Rule.SameValue) return "s";
    if (r instanceof Rule.Offset o) return String.format("c%+d", o.offset());
    if (r instanceof Rule.ValOffset o) return String.format("v%+d", o.offset());
    if (r instanceof Rule.Register x) return regName(x.register());
    if (r instanceof Rule.Expression) return "exp";
    return "vexp";
  }

  static String cfaText(Cfa c) {
    return c.isExpression() ? "exp" : String.format("%s%+d", regName(c.register()), c.offset());
  }
}
