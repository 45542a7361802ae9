package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Assembled;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproducer: the evidence pass never examined the last word of a code region holding an even
 * number of words, so a literal load there was not seen, and the word it loads (equal to an MRS
 * encoding, inside a function) was judged code only and rewritten. Every word of a region is
 * examined: the one word here that shows the candidate is data is the region's last.
 */
class EvidenceLastWordTest {
  @TempDir Path dir;

  @Test
  void aLiteralLoadInTheLastWordOfARegionIsEvidence() throws Exception {
    for (int words : new int[] {4, 5}) { // an even and an odd number of words in .text
      String src =
          String.join(
              "\n",
              ".text",
              ".globl f",
              ".type f, %function",
              "f: nop",
              ".Lword: .inst 0xd53be040", // the encoding of mrs x0, cntvct_el0, used as data
              "  nop".repeat(1).concat(words == 5 ? "\n  nop" : ""),
              "  ldr w0, .Lword",
              ".size f, .-f",
              "");
      Path lib = build(src, "lib" + words + ".so");
      ElfFile elf = ElfFile.read(lib);
      assertEquals(4L * words, elf.section(".text").orElseThrow().size(), "the fixture's layout");
      ScanResult r = Scanner.scan(elf, ScanOptions.defaults());
      assertEquals(1, r.findings().size(), r.findings().toString());
      Finding f = r.findings().get(0);
      assertTrue(
          f.evidence().data().stream().anyMatch(e -> e.contains("ldr")),
          words + " words: the literal load in the last word is data evidence: " + f.evidence());
      assertNotEquals(Confidence.HIGH, f.confidence(), f.toString());
    }
  }

  private Path build(String src, String name) throws Exception {
    return Assembled.sharedLibrary(dir, name, src);
  }
}
