package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The scanner must report exactly the sites objdump's disassembly shows, no more, no fewer. */
class ScannerOracleTest {

  static Stream<TestData.Binary> binariesWithSections() {
    return TestData.aarch64().stream().filter(b -> !b.name().contains("noshdr"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binariesWithSections")
  void testdataMatchesObjdump(TestData.Binary binary) throws IOException {
    assertMatchesObjdump(binary.path());
  }

  static Stream<Path> corpus() {
    return Corpus.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void corpusMatchesObjdump(Path lib) throws IOException {
    assertMatchesObjdump(lib);
  }

  static void assertMatchesObjdump(Path file) throws IOException {
    List<Objdump.Site> oracle = Objdump.sites(file);
    ScanResult result = Scanner.scan(ElfFile.read(file), ScanOptions.defaults());
    Set<String> expected =
        oracle.stream()
            .map(s -> key(s.section(), s.address(), s.register(), s.rt()))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> actual =
        result.findings().stream()
            .map(f -> key(f.section(), f.address(), f.register().name(), f.rtName()))
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, actual, "scan vs objdump -d for " + file);
    for (Objdump.Site s : oracle) {
      Finding f =
          result.findings().stream()
              .filter(x -> x.address() == s.address() && x.section().equals(s.section()))
              .findFirst()
              .orElseThrow();
      if (s.data()) {
        assertEquals(
            Confidence.UNCERTAIN, f.confidence(), "data word at " + Long.toHexString(s.address()));
        assertTrue(f.reasons().contains(Uncertainty.DATA_MAPPING), f.toString());
        assertFalse(f.patchable(), "a $d word must never be patchable");
      } else {
        assertFalse(f.reasons().contains(Uncertainty.DATA_MAPPING), f.toString());
      }
    }
  }

  private static String key(String section, long address, String register, String rt) {
    return String.format("%s:%x %s %s", section, address, register, rt);
  }
}
