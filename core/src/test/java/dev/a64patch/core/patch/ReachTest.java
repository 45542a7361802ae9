package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.Uncertainty;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbol;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Evidence, not location (testdata/src/reach.S): reads that only a bl, a tail b, a relocated
 * function pointer or an adr reaches are patched by default, stripped or not; words of literal
 * pools and constant tables that equal a read's encoding are never rewritten. The oracles are the
 * labels of the unstripped build (where the reads are; strip moves no code) and the patched
 * programs themselves under qemu: counter values that repeat and data that reads back unchanged.
 */
class ReachTest {
  @TempDir Path dir;

  /** Label of each read (from reach.S) -> the evidence kind that must find it. */
  static final Map<String, String> READS =
      Map.of(
          "read_bl", "bl-target from 0x",
          "read_tail", "b-target from 0x",
          "read_table", "R_AARCH64_RELATIVE relocation at 0x",
          "read_adr", "adr from 0x");

  /** Address of each read, from the .symtab of the unstripped twin. */
  static Map<Long, String> reads(String unstripped) throws IOException {
    Map<Long, String> out = new TreeMap<>();
    for (ElfSymbol s : ElfFile.read(TestData.bin(unstripped)).symbols()) {
      if (READS.containsKey(s.name())) {
        out.put(s.value(), s.name());
      }
    }
    assertEquals(READS.size(), out.size(), "labels in " + unstripped);
    return out;
  }

  static String unstripped(String name) {
    return name.replace("-stripped", "");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reach-pie",
        "reach-pie-stripped",
        "reach-static-pie",
        "reach-static-pie-stripped",
        "libreach.so",
        "libreach-stripped.so"
      })
  void readsHaveCodeEvidenceAndLookalikesDataEvidence(String name) throws IOException {
    Map<Long, String> reads = reads(unstripped(name));
    ScanResult r = Scanner.scan(ElfFile.read(TestData.bin(name)), ScanOptions.defaults());
    int data = 0;
    for (Finding f : r.findings()) {
      String label = reads.get(f.address());
      if (label != null) {
        assertEquals(Confidence.HIGH, f.confidence(), f.toString());
        assertTrue(f.evidence().data().isEmpty(), f.toString());
        String kind = READS.get(label);
        assertTrue(
            f.evidence().code().stream().anyMatch(e -> e.contains(kind)),
            label + " needs '" + kind + "': " + f.evidence());
      } else {
        data++;
        assertFalse(f.patchable(), "a data word must never be patchable: " + f);
        assertFalse(f.evidence().data().isEmpty(), f.toString());
        assertTrue(f.evidence().code().isEmpty(), f.toString());
      }
    }
    assertEquals(reads.size(), r.findings().size() - data, "every read found: " + r.findings());
    // 8 literal words + 4 in a 16-byte literal + 8 table words + adrp+ldr + adr+ldr + 1 unread
    assertEquals(23, data, "data words in " + name);
    assertTrue(
        r.findings().stream().anyMatch(f -> f.reasons().contains(Uncertainty.UNREACHABLE)),
        "the word nothing reads is unreachable");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "reach-pie",
        "reach-pie-stripped",
        "reach-static-pie",
        "reach-static-pie-stripped"
      })
  void defaultPatchYieldsTheCounterAndKeepsEveryDataWord(String name) throws Exception {
    Path original = TestData.bin(name);
    Path patched = Patching.patchCopy(original, dir, PatchOptions.defaults());
    Patching.assertWellFormed(patched);
    assertDataUnchanged(original, patched);
    assertCounterOutput(Qemu.run(patched), Qemu.run(patched));
  }

  @ParameterizedTest
  @ValueSource(strings = {"libreach.so", "libreach-stripped.so"})
  void patchedSharedLibraryYieldsTheCounterAndKeepsEveryDataWord(String name) throws Exception {
    Path original = TestData.bin(name);
    Path patched = Patching.patchCopy(original, dir, PatchOptions.defaults());
    Patching.assertWellFormed(patched);
    assertDataUnchanged(original, patched);
    Path run = Files.createDirectory(dir.resolve("run"));
    Files.copy(patched, run.resolve("libreach.so"));
    Path main = Files.copy(TestData.bin("reach-main"), run.resolve("reach-main"));
    assertCounterOutput(Qemu.run(main), Qemu.run(main));
  }

  /** Every finding with data evidence holds its original word in the patched file. */
  static void assertDataUnchanged(Path original, Path patched) throws IOException {
    byte[] after = Files.readAllBytes(patched);
    ScanResult r = Scanner.scan(ElfFile.read(original), ScanOptions.defaults());
    for (Finding f : r.findings()) {
      if (!f.evidence().data().isEmpty()) {
        int at = (int) f.offset();
        int word =
            (after[at] & 0xff)
                | (after[at + 1] & 0xff) << 8
                | (after[at + 2] & 0xff) << 16
                | (after[at + 3] & 0xff) << 24;
        assertEquals(f.word(), word, "data word at 0x" + Long.toHexString(f.address()));
      }
    }
  }

  /** Both runs print the same four counter values, in call order, and the data check passes. */
  static void assertCounterOutput(Tools.Result first, Tools.Result second) {
    assertEquals(0, first.exitCode(), first.describe());
    assertTrue(first.stdout().contains("data ok"), first.describe());
    assertEquals(first.stdout(), second.stdout(), "counter values must repeat run to run");
    List<BigInteger> values = Qemu.values(first.stdout());
    assertEquals(4, values.size(), first.stdout());
    BigInteger step = BigInteger.valueOf(PatchOptions.DEFAULT_STEP);
    for (int i = 0; i < 4; i++) {
      assertEquals(
          BigInteger.valueOf(Trampolines.COUNTER_START).add(step.multiply(BigInteger.valueOf(i))),
          values.get(i),
          first.stdout());
    }
  }
}
