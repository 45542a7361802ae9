package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.testing.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How often a real library has no island space (the figures in docs/patching.md, "Islands"): for
 * every linked AArch64 file of the corpus with code, the runs {@link IslandSpace} finds, and how
 * many are long enough for a whole long island (4 words). A far read in a file without any run has
 * to follow {@code --out-of-range}. Prints the tally; fails if a file with more than 1 MiB of code
 * has no island space at all, which would contradict what docs/patching.md states.
 */
class CorpusIslandSpaceTallyTest {
  private static final long LARGE_CODE = 1 << 20;

  @Test
  void islandSpaceOfEveryCorpusFile() throws Exception {
    int files = 0;
    int withRuns = 0;
    int withLong = 0;
    long words = 0;
    int withTail = 0;
    long tailWords = 0;
    List<String> none = new ArrayList<>();
    List<String> largeWithout = new ArrayList<>();
    for (Path p : Corpus.all()) {
      ElfFile elf = Corpus.readAArch64(p).orElse(null);
      if (elf == null) {
        continue; // not an AArch64 ELF file
      }
      long code =
          elf.segments().stream()
              .filter(s -> s.isLoad() && s.isExecutable())
              .mapToLong(ElfSegment::filesz)
              .sum();
      int type = elf.header().type();
      if (code == 0 || (type != ET_EXEC && type != ET_DYN)) {
        continue;
      }
      files++;
      List<IslandSpace.Run> runs = IslandSpace.find(elf);
      if (runs.isEmpty()) {
        none.add(name(p) + " (" + code + " bytes of code)");
        if (code > LARGE_CODE) {
          largeWithout.add(name(p));
        }
        continue;
      }
      withRuns++;
      List<IslandSpace.Run> padding = runs.stream().filter(r -> !r.inTail()).toList();
      withLong += padding.stream().anyMatch(r -> r.words() >= 4) ? 1 : 0;
      words += padding.stream().mapToLong(IslandSpace.Run::words).sum();
      withTail += padding.size() < runs.size() ? 1 : 0;
      tailWords += runs.stream().filter(IslandSpace.Run::inTail).mapToLong(r -> r.words()).sum();
    }
    System.out.printf(
        "corpus island space: %d linked files with code; %d with island space; padding: %d free"
            + " words in all (%d files with a run of 4 words or more); segment tails: %d files,"
            + " %d words; without any: %s%n",
        files, withRuns, words, withLong, withTail, tailWords, none);
    assertTrue(files > 0);
    assertEquals(List.of(), largeWithout, "files with over 1 MiB of code and no island space");
  }

  private static String name(Path p) {
    return Corpus.root().relativize(p).toString();
  }
}
