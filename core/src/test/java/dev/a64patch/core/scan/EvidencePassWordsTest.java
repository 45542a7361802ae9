package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.Assembled;
import dev.a64patch.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence pass reads the code a chunk at a time and picks the words worth a look in one loop
 * before it tests them in another. Every word must be looked at once: here .text holds B and BL
 * words to the candidate at the end, at three positions of every seven words (so they fall on every
 * position against pairs and 16 KiB chunks), over more than 1 MiB (chunks far from the candidate
 * and near it), and each must be found once, in address order.
 */
class EvidencePassWordsTest {
  @TempDir Path dir;

  private static final int REPEATS = 40_000;

  private static final int NEAR_REPEATS = 1_000;

  @Test
  void everyBranchToTheCandidateIsFoundOnce() throws Exception {
    for (int extra = 0; extra <= 1; extra++) { // shifts the candidate against the chunks
      String src =
          String.join(
              "\n",
              ".text",
              ".globl f",
              ".type f, %function",
              "f:",
              ".rept " + REPEATS,
              "  b .Lword",
              "  nop",
              "  bl .Lword",
              "  nop",
              "  nop",
              "  b .Lword",
              "  mov x0, x1",
              ".endr",
              ".rept " + NEAR_REPEATS, // short-range forms, within 32 KiB of the candidate
              "  cbz x1, .Lword",
              "  b.eq .Lword",
              "  nop",
              "  ldr w2, .Lword",
              "  tbz x3, #1, .Lword",
              ".endr",
              "  nop\n".repeat(extra),
              ".Lword: .inst 0xd53be040", // the encoding of mrs x0, cntvct_el0
              ".size f, .-f",
              ".data",
              // Relocations the pass reads in blocks: 1,500 to data first, so that the one to the
              // candidate lies past the first block.
              ".Lself: .rept 1500",
              ".quad .Lself",
              ".endr",
              ".quad .Lword", // a relocation: a reference by data, found after the code's
              "");
      ElfFile elf = ElfFile.read(build(src, "lib" + extra + ".so"));
      ElfSection text = elf.section(".text").orElseThrow();
      long candidate = text.addr() + 4L * (7L * REPEATS + 5L * NEAR_REPEATS + extra);
      assertEquals(candidate + 4, text.addr() + text.size(), "the fixture's layout");
      List<CodeRegion> regions = CodeRegion.of(elf);
      int r = 0;
      while (!regions.get(r).name().equals(".text")) {
        r++;
      }
      long offset = text.offset() + (candidate - text.addr());
      ByteBuffer bytes = elf.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(0xd53be040, bytes.getInt((int) offset), "the candidate's word");
      List<EvidenceIndex.Candidate> candidates = List.of(new EvidenceIndex.Candidate(r, offset));
      List<EvidenceIndex> indexes = new ArrayList<>();
      for (boolean inC : new boolean[] {true, false}) { // the C loop where built, and Java's
        int none = regions.size(); // no tails
        indexes.add(EvidenceIndex.build(elf, regions, none, bytes, candidates, 1, 1 << 30, 1, inC));
        indexes.add(
            EvidenceIndex.build(
                elf, regions, none, bytes, candidates, 2, 64 << 10, (12 << 10) + 8, inC)); // sliced
      }
      List<String> want = new ArrayList<>();
      for (long i = 0; i < REPEATS; i++) {
        long at = text.addr() + 28 * i;
        want.add("b-target from 0x" + Long.toHexString(at));
        want.add("bl-target from 0x" + Long.toHexString(at + 8));
        want.add("b-target from 0x" + Long.toHexString(at + 20));
      }
      for (long i = 0; i < NEAR_REPEATS; i++) {
        long at = text.addr() + 28L * REPEATS + 20 * i;
        want.add("cbz-target from 0x" + Long.toHexString(at));
        want.add("b.cond-target from 0x" + Long.toHexString(at + 4));
        want.add("ldr-literal from 0x" + Long.toHexString(at + 12));
        want.add("tbz-target from 0x" + Long.toHexString(at + 16));
      }
      long data = elf.section(".data").orElseThrow().addr();
      want.add("R_AARCH64_RELATIVE relocation at 0x" + Long.toHexString(data + 8 * 1500));
      for (EvidenceIndex index : indexes) {
        List<String> got = index.hitNames();
        int i = 0;
        while (i < Math.min(want.size(), got.size()) && want.get(i).equals(got.get(i))) {
          i++;
        }
        String where = "first difference at reference " + i + " of " + want.size();
        assertEquals(want.size(), got.size(), "references found; " + where);
        int at = i;
        assertEquals(
            want.size(), at, () -> where + ": " + got.get(at) + ", expected " + want.get(at));
      }
    }
  }

  /**
   * A literal load whose 16 bytes begin before the code's first 64 KiB page and end on the
   * candidate: in a relocatable object the code starts at address 0, and the load at 4 reads from
   * -4. The page pre-test has no page below the first; the load must still count as data evidence.
   */
  @Test
  void aLiteralLoadFromBeforeTheFirstPageIsEvidence() throws Exception {
    String src =
        String.join(
            "\n",
            ".text",
            ".globl f",
            ".type f, %function",
            "f: .inst 0xd53be040", // the encoding of mrs x0, cntvct_el0, at address 0
            "  ldr q0, . - 8",
            "  ret",
            ".size f, .-f",
            "");
    Path s = dir.resolve("neg.s");
    Files.writeString(s, src);
    Path o = dir.resolve("neg.o");
    Tools.runOk(Tools.require("aarch64-linux-gnu-as").toString(), "-o", o.toString(), s.toString());
    ScanResult r = Scanner.scan(ElfFile.read(o), ScanOptions.defaults());
    assertEquals(1, r.findings().size(), r.findings().toString());
    Finding f = r.findings().get(0);
    assertTrue(
        f.evidence().data().contains("ldr-literal from 0x4"),
        "the load from -4 is data evidence: " + f.evidence());
    assertNotEquals(Confidence.HIGH, f.confidence(), f.toString());
  }

  private Path build(String src, String name) throws Exception {
    return Assembled.sharedLibrary(dir, name, src);
  }
}
