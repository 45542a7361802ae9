package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.testing.Corpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which layout strategy each corpus file gets and how much padding it needs (the figures in
 * docs/patching.md, "Large .bss"), and what reusing a program header entry would have to work with
 * (docs/design.md section 6): spare PT_NULL entries and PT_NOTE entries. Prints the tally; fails if
 * any corpus file would be refused for its layout with the default settings.
 */
class CorpusLayoutTallyTest {

  @Test
  void layoutOfEveryCorpusFile() throws Exception {
    Map<LayoutStrategy, Integer> strategies = new EnumMap<>(LayoutStrategy.class);
    TreeMap<Long, String> padded = new TreeMap<>();
    List<String> refused = new ArrayList<>();
    int executables = 0;
    int withNull = 0;
    int withNote = 0;
    int noteOnlyProperty = 0;
    int files = 0;
    for (Path p : Corpus.all()) {
      ElfFile elf;
      try {
        elf = ElfFile.read(p);
      } catch (RuntimeException e) {
        continue; // not an ELF file a64patch reads (scripts, other formats)
      }
      if (!elf.header().is64() || elf.segments().stream().noneMatch(ElfSegment::isLoad)) {
        continue;
      }
      files++;
      try {
        Layout l =
            Layout.compute(
                elf,
                Map.of(
                    NewSection.TRAMPOLINES,
                    4L,
                    NewSection.TRAMPOLINE_DATA,
                    (long) Trampolines.DATA_SIZE),
                PatchOptions.DEFAULT_MAX_PADDING);
        strategies.merge(l.strategy(), 1, Integer::sum);
        if (l.strategy() == LayoutStrategy.BSS_END && l.padding() > 0) {
          padded.put(l.padding(), name(p));
        }
      } catch (PatchException e) {
        refused.add(name(p) + ": " + e.reason());
      }
      if (Layout.isExecutable(elf)) {
        executables++;
        withNull += elf.segments().stream().anyMatch(s -> s.type() == PT_NULL) ? 1 : 0;
        withNote += elf.segments().stream().anyMatch(s -> s.type() == PT_NOTE) ? 1 : 0;
        noteOnlyProperty += notesOnlyProperty(elf) ? 1 : 0;
      }
    }
    long max = padded.isEmpty() ? 0 : padded.lastKey();
    System.out.printf(
        "corpus layout: %d files: %s; executables padded: %d (largest %d bytes, %s);"
            + " %d executables: %d with a PT_NULL entry, %d with PT_NOTE, %d with a PT_NOTE that"
            + " only repeats PT_GNU_PROPERTY; refused: %s%n",
        files,
        strategies,
        padded.size(),
        max,
        padded.isEmpty() ? "-" : padded.lastEntry().getValue(),
        executables,
        withNull,
        withNote,
        noteOnlyProperty,
        refused);
    assertTrue(files > 0);
    assertEquals(List.of(), refused, "corpus files refused for their layout");
    assertTrue(max <= PatchOptions.DEFAULT_MAX_PADDING);
  }

  /** A PT_NOTE whose range is exactly PT_GNU_PROPERTY's (the loader reads the latter). */
  private static boolean notesOnlyProperty(ElfFile elf) {
    for (ElfSegment n : elf.segments()) {
      if (n.type() != PT_NOTE) {
        continue;
      }
      for (ElfSegment g : elf.segments()) {
        if (g.type() == PT_GNU_PROPERTY && g.offset() == n.offset() && g.filesz() == n.filesz()) {
          return true;
        }
      }
    }
    return false;
  }

  private static String name(Path p) {
    return Corpus.root().relativize(p).toString();
  }
}
