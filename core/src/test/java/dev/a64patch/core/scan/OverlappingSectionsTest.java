package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Found by fuzzing (ScanFuzzTest): a section table that lists the same code twice made scan report
 * (and patch rewrite) every read in it twice.
 */
class OverlappingSectionsTest {
  @Test
  void codeListedByTwoSectionsIsScannedOnce() throws Exception {
    byte[] image = Files.readAllBytes(TestData.bin("counters-gcc-pie"));
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), "in");
    List<Long> before = offsets(elf);
    ElfSection text = elf.section(".text").orElseThrow();
    ElfSection plt = elf.section(".plt").orElseThrow();
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) (elf.header().shoff() + plt.index() * 64L);
    b.putLong(at + 0x10, text.addr()).putLong(at + 0x18, text.offset());
    b.putLong(at + 0x20, text.size()); // .plt now describes .text's bytes again
    assertEquals(before, offsets(ElfFile.read(ByteBuffer.wrap(image), "in")));
  }

  private static List<Long> offsets(ElfFile elf) {
    return Scanner.scan(elf, ScanOptions.defaults()).findings().stream()
        .map(Finding::offset)
        .toList();
  }
}
