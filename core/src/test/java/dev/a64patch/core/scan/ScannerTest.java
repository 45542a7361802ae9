package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.UnsupportedElfException;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScannerTest {

  static ScanResult scan(String name) throws IOException {
    return Scanner.scan(ElfFile.read(TestData.bin(name)), ScanOptions.defaults());
  }

  @Test
  void fileWithoutSectionHeadersFindsTheSameWordsAsItsStrippedTwinAllUncertain()
      throws IOException {
    ScanResult withSections = scan("counters-gcc-stripped");
    ScanResult segmentsOnly = scan("counters-gcc-noshdr");
    // The R+X segment also covers .rodata, so it may hold more lookalike words, never fewer.
    assertTrue(
        segmentsOnly.findings().stream()
            .map(Finding::offset)
            .toList()
            .containsAll(withSections.findings().stream().map(Finding::offset).toList()));
    assertFalse(segmentsOnly.findings().isEmpty());
    for (Finding f : segmentsOnly.findings()) {
      assertEquals(Confidence.UNCERTAIN, f.confidence());
      assertTrue(f.reasons().contains(Uncertainty.SEGMENTS_ONLY));
    }
    assertTrue(segmentsOnly.notes().stream().anyMatch(n -> n.contains("no section headers")));
  }

  @Test
  void everyRtOfCntvctIsReportedWithItsRegisterName() throws IOException {
    List<String> rts =
        scan("counters-gcc-pie").findings().stream()
            .filter(f -> f.register() == SysReg.CNTVCT_EL0 && f.reasons().isEmpty())
            .map(Finding::rtName)
            .distinct()
            .sorted()
            .toList();
    for (int rt = 0; rt <= 31; rt++) {
      assertTrue(rts.contains(SysReg.rtName(rt)), "missing " + SysReg.rtName(rt) + " in " + rts);
    }
  }

  @Test
  void registersOptionFiltersFindings() throws IOException {
    ScanResult r =
        Scanner.scan(
            ElfFile.read(TestData.bin("counters-gcc-pie")),
            new ScanOptions(EnumSet.of(SysReg.CNTFRQ_EL0), 0));
    assertFalse(r.findings().isEmpty());
    assertTrue(r.findings().stream().allMatch(f -> f.register() == SysReg.CNTFRQ_EL0));
  }

  @Test
  void contextListsTheSiteBetweenItsNeighbours() throws IOException {
    ScanResult r =
        Scanner.scan(
            ElfFile.read(TestData.bin("counters-gcc-pie")), ScanOptions.defaults().withContext(2));
    Finding f = r.findings().stream().filter(x -> x.reasons().isEmpty()).findFirst().orElseThrow();
    assertEquals(5, f.context().size(), f.context().toString());
    assertTrue(
        f.context().get(2).startsWith("=> " + Long.toHexString(f.address())), f.context().get(2));
    assertTrue(
        f.context().get(2).contains("mrs " + f.rtName() + ", " + f.register().name().toLowerCase()),
        f.context().get(2));
  }

  @Test
  void otherMachinesAreRefusedByName() {
    UnsupportedElfException x86 =
        assertThrows(UnsupportedElfException.class, () -> scan("hello-x86_64"));
    assertTrue(
        x86.getMessage().endsWith("x86-64 file (e_machine 62), not AArch64"), x86.getMessage());
    UnsupportedElfException arm =
        assertThrows(UnsupportedElfException.class, () -> scan("hello-arm32"));
    assertTrue(arm.getMessage().contains("ARM (32-bit) file (e_machine 40)"), arm.getMessage());
  }

  @Test
  void bigEndianFilesAreScannedWithLittleEndianInstructions() throws IOException {
    ScanResult r = scan("be-counter");
    assertTrue(r.description().contains("MSB"), r.description());
    assertTrue(
        r.findings().stream().anyMatch(f -> f.register() == SysReg.CNTVCT_EL0),
        r.findings().toString());
  }

  @Test
  void bitFlippedFilesAreScannedOrRejectedButNeverCrashTheScanner() throws IOException {
    byte[] original = Files.readAllBytes(TestData.bin("counters-gcc-pie"));
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      byte[] image = original.clone();
      for (int k = 0; k < 3; k++) {
        int at = random.nextInt(image.length);
        image[at] ^= (byte) (1 << random.nextInt(8));
      }
      try {
        Scanner.scan(
            ElfFile.read(ByteBuffer.wrap(image), "fuzz"), ScanOptions.defaults().withContext(3));
      } catch (ElfException expected) {
        assertTrue(expected.getMessage().startsWith("fuzz: "));
      } catch (RuntimeException e) {
        throw new AssertionError("case " + i + ": " + e, e);
      }
    }
  }
}
