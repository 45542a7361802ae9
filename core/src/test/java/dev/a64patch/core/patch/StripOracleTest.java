package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Strip;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Evidence, not location: symbols only name functions, so {@code strip --strip-all} (which drops
 * .symtab and its $d/$x mapping symbols) must neither lose nor gain a patched site. The oracle is
 * the unstripped file's own plan; binutils strip makes the copy.
 */
class StripOracleTest {
  @TempDir Path dir;

  static Stream<Path> corpus() {
    return Corpus.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void strippedCopyPatchesTheSameSites(Path lib) throws IOException {
    ElfFile elf = ElfFile.read(lib);
    if (elf.header().type() == dev.a64patch.elf.ElfConstants.ET_REL) {
      return; // strip --strip-all empties an object: nothing to compare
    }
    Path stripped = Strip.all(lib, dir.resolve("stripped"));
    assertEquals(patchedSites(elf), patchedSites(ElfFile.read(stripped)), lib.toString());
  }

  /** Addresses the default plan rewrites (out-of-range sites counted as if in range). */
  static Set<Long> patchedSites(ElfFile elf) {
    ScanResult scan = Scanner.scan(elf, ScanOptions.defaults());
    PatchOptions options = PatchOptions.defaults();
    options =
        new PatchOptions(
            options.strategy(),
            options.registers(),
            options.step(),
            options.frequency(),
            false,
            OutOfRangePolicy.NOP,
            options.rndr(),
            Long.MAX_VALUE);
    Set<Long> out = new TreeSet<>();
    for (SitePlan p : Planner.plan(elf, scan, options).sites()) {
      if (p.changesFile()) {
        out.add(p.finding().address());
      }
    }
    return out;
  }
}
