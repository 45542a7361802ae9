package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Found by fuzzing (ScanFuzzTest, input overlapping-executable-segments): in a file without section
 * headers, whose code is found through its PF_X PT_LOAD segments, a program header table that lists
 * the executable segment twice made scan report (and patch plan) every read in it twice, as
 * overlapping sections once did (OverlappingSectionsTest). Each byte of the file is now scanned in
 * one region only.
 */
class OverlappingSegmentsTest {
  private static final int PHDR_SIZE = 56;

  @Test
  void codeMappedByTwoExecutableSegmentsIsScannedOnce() throws Exception {
    byte[] image = withoutSectionHeaders();
    List<Long> before = offsets(image);
    assertFalse(before.isEmpty(), "the fixture's reads");
    copyExecutableLoadOverGnuStack(image, 0);
    assertEquals(2, executableLoads(image), "the fixture now maps its code twice");
    assertEquals(before, offsets(image));
  }

  @Test
  void aSegmentReachingPastAnotherIsScannedOnlyWhereNoOtherIs() throws Exception {
    byte[] image = withoutSectionHeaders();
    List<Long> before = offsets(image);
    copyExecutableLoadOverGnuStack(image, 0x100); // starts inside the first, ends 0x100 past it
    List<Long> after = offsets(image);
    for (int i = 1; i < after.size(); i++) {
      assertTrue(after.get(i) > after.get(i - 1), "sorted, once each: " + after);
    }
    assertTrue(after.containsAll(before), "every read of the first segment: " + after);
  }

  /** counters-gcc-pie with e_shoff, e_shnum and e_shstrndx zero: code only through segments. */
  private static byte[] withoutSectionHeaders() throws Exception {
    byte[] image = Files.readAllBytes(TestData.bin("counters-gcc-pie"));
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0x28, 0).putShort(0x3c, (short) 0).putShort(0x3e, (short) 0);
    return image;
  }

  /** Overwrites the PT_GNU_STACK entry with the R+X PT_LOAD's, moved {@code shift} bytes on. */
  private static void copyExecutableLoadOverGnuStack(byte[] image, int shift) {
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), "in");
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    long phoff = elf.header().phoff();
    int from = -1;
    int to = -1;
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad() && s.isExecutable()) {
        from = s.index();
      } else if (s.type() == 0x6474e551L) { // PT_GNU_STACK
        to = s.index();
      }
    }
    assertTrue(from >= 0 && to >= 0, "the fixture's segments");
    int src = (int) (phoff + (long) from * PHDR_SIZE);
    int dst = (int) (phoff + (long) to * PHDR_SIZE);
    System.arraycopy(image, src, image, dst, PHDR_SIZE);
    b.putLong(dst + 8, b.getLong(dst + 8) + shift); // p_offset
    b.putLong(dst + 16, b.getLong(dst + 16) + shift); // p_vaddr
    b.putLong(dst + 24, b.getLong(dst + 24) + shift); // p_paddr
  }

  private static long executableLoads(byte[] image) {
    return ElfFile.read(ByteBuffer.wrap(image), "in").segments().stream()
        .filter(s -> s.isLoad() && s.isExecutable())
        .count();
  }

  private static List<Long> offsets(byte[] image) {
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), "in");
    assertFalse(elf.hasSectionHeaders(), "the fixture has no section headers");
    return Scanner.scan(elf, ScanOptions.defaults()).findings().stream()
        .map(Finding::offset)
        .toList();
  }
}
