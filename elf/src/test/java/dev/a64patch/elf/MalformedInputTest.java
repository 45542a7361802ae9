package dev.a64patch.elf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed file must end in one ElfException whose message is one line starting with the
 * file name; never another exception, never an allocation driven by a header value. The input is a
 * committed test binary (a small PIE with symbols).
 */
class MalformedInputTest {
  static final String NAME = "bad.elf";

  static byte[] sample() throws IOException {
    return Files.readAllBytes(TestFiles.testdata("counters-gcc-pie"));
  }

  /**
   * Parses and touches everything lazily parsed too; returns normally or throws ElfException only.
   */
  static void parseFully(byte[] image) {
    ElfFile f = ElfFile.read(ByteBuffer.wrap(image), NAME);
    f.symbols();
    f.dynamicSymbols();
    f.dynamic();
    f.notes();
  }

  static void assertRejectedCleanly(byte[] image, String what) {
    try {
      parseFully(image);
    } catch (ElfException e) {
      assertTrue(e.getMessage().startsWith(NAME + ": "), what + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), what + ": multi-line message " + e.getMessage());
    } catch (Throwable t) {
      throw new AssertionError(what + ": unexpected " + t, t);
    }
  }

  @Test
  void emptyFileIsNotElf() {
    NotElfException e = assertThrows(NotElfException.class, () -> parseFully(new byte[0]));
    assertEquals(
        NAME + ": e_ident[EI_MAG0..3] at offset 0x0: empty file (0 bytes), not an ELF file",
        e.getMessage());
  }

  @Test
  void textFileIsNotElf() {
    NotElfException e =
        assertThrows(NotElfException.class, () -> parseFully("#!/bin/sh\necho hi\n".getBytes()));
    assertTrue(e.getMessage().contains("starts with 23 21 2f 62"), e.getMessage());
  }

  @Test
  void everyTruncationOfTheFirst4KiB() throws IOException {
    byte[] full = sample();
    for (int len = 0; len <= 4096; len++) {
      byte[] cut = java.util.Arrays.copyOf(full, len);
      assertThrows(ElfException.class, () -> parseFully(cut), "truncated to " + len + " bytes");
    }
  }

  @Test
  void randomBitFlipsInHeadersNeverEscapeAsOtherExceptions() throws IOException {
    byte[] original = sample();
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(original), NAME);
    long shoff = elf.header().shoff();
    int shEnd = (int) (shoff + (long) elf.header().shnum() * elf.header().shentsize());
    Random random = new Random(0x5eed);
    for (int i = 0; i < 5000; i++) {
      byte[] image = original.clone();
      int flips = 1 + random.nextInt(4);
      for (int k = 0; k < flips; k++) {
        // Half in the ELF header + program headers, half in the section header table.
        int at =
            random.nextBoolean()
                ? random.nextInt(64 + 56 * elf.header().phnum())
                : (int) shoff + random.nextInt(shEnd - (int) shoff);
        image[at] ^= (byte) (1 << random.nextInt(8));
      }
      assertRejectedCleanly(image, "case " + i);
    }
  }

  @Test
  void hugeCountsAndOffsetsAreRejectedWithTheirValues() throws IOException {
    assertMessage(
        h -> h.putShort(0x38, (short) 0xfffe), "e_phoff at offset 0x20", "(65534 entries)");
    assertMessage(
        h -> h.putShort(0x3c, (short) 0xfffe), "e_shoff at offset 0x28", "(65534 entries)");
    assertMessage(
        h -> h.putLong(0x28, 0xffffffffffffff00L), "e_shoff at offset 0x28", "0xffffffffffffff00");
    assertMessage(
        h -> h.putLong(0x20, 0x7fffffffffffffffL), "e_phoff at offset 0x20", "past end of file");
    assertMessage(
        h -> h.putShort(0x3e, (short) 0x7000), "e_shstrndx at offset 0x3e", "section index 28672");
    assertMessage(
        h -> h.putShort(0x36, (short) 7), "e_phentsize at offset 0x36", "expected 56, found 7");
    assertMessage(h -> h.put(4, (byte) 9), "e_ident[EI_CLASS] at offset 0x4", "found 9");
    assertMessage(h -> h.put(5, (byte) 0), "e_ident[EI_DATA] at offset 0x5", "found 0");
  }

  @Test
  void segmentPastEndOfFileNamesTheSegment() throws IOException {
    byte[] image = sample();
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    long phoff = b.getLong(0x20);
    // p_filesz of segment 1 (offset 0x20 inside the 56-byte Elf64_Phdr)
    b.putLong((int) phoff + 56 + 0x20, 1L << 40);
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> parseFully(image));
    assertTrue(e.getMessage().contains("segment 1 p_offset"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "+0x10000000000 extends past end of file 0x" + Integer.toHexString(image.length)),
        e.getMessage());
  }

  @Test
  void symbolTableWithWrongEntrySizeIsRejected() throws IOException {
    byte[] image = sample();
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), NAME);
    ElfSection symtab = elf.section(".symtab").orElseThrow();
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) (elf.header().shoff() + symtab.index() * 64L);
    b.putLong(at + 0x38, 0); // sh_entsize = 0 must not divide by zero
    ElfFormatException e =
        assertThrows(
            ElfFormatException.class, () -> ElfFile.read(ByteBuffer.wrap(image), NAME).symbols());
    assertTrue(
        e.getMessage().contains("sh_entsize")
            && e.getMessage().contains("expected 24 for a symbol table, found 0"),
        e.getMessage());
  }

  /** Found by fuzzing (ElfFuzzTest): slicing it escaped as an IndexOutOfBoundsException. */
  @Test
  void sectionNameTableOfTypeNullWithHugeSizeHoldsNoNames() throws IOException {
    byte[] image = sample();
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), NAME);
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) (elf.header().shoff() + elf.header().shstrndx() * 64L);
    b.putInt(at + 0x04, 0); // sh_type = SHT_NULL
    b.putLong(at + 0x20, 0x58000000L); // sh_size far past the end of the file
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> parseFully(image));
    assertTrue(
        e.getMessage().contains("is past the end of the section name table"), e.getMessage());
  }

  /** Found by fuzzing (ElfFuzzTest): a name read from the file broke a message into two lines. */
  @Test
  void sectionNameWithNewlineKeepsTheMessageOnOneLine() throws IOException {
    byte[] image = sample();
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), NAME);
    ElfSection symtab = elf.section(".symtab").orElseThrow();
    ElfSection names = elf.sections().get(elf.header().shstrndx());
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int nameAt =
        (int) (names.offset() + b.getInt((int) (elf.header().shoff() + symtab.index() * 64L)));
    image[nameAt + 4] = '\n'; // ".sym\nab"
    b.putLong((int) (elf.header().shoff() + symtab.index() * 64L) + 0x38, 7); // bad sh_entsize
    ElfFormatException e =
        assertThrows(
            ElfFormatException.class, () -> ElfFile.read(ByteBuffer.wrap(image), NAME).symbols());
    assertTrue(e.getMessage().contains("(.sym\\x0aab) sh_entsize"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(NAME, e.file());
    assertTrue(e.reason().startsWith("section "), e.reason());
  }

  /**
   * Found by fuzzing (ElfFuzzTest): a segment at 0x8000000000001000 "contained" address 0x2000
   * under a signed comparison, and offsetOf returned an offset far outside the file.
   */
  @Test
  void addressesAreComparedUnsigned() throws IOException {
    byte[] image = sample();
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), NAME);
    List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
    ElfSegment high = loads.get(0);
    ElfSegment low = loads.get(1);
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int at = (int) (elf.header().phoff() + high.index() * 56L + 0x10); // p_vaddr
    b.putLong(at, high.vaddr() | Long.MIN_VALUE);
    ElfFile moved = ElfFile.read(ByteBuffer.wrap(image), NAME);
    assertEquals(java.util.Optional.of(low.offset()), moved.offsetOf(low.vaddr()));
    assertTrue(moved.offsetOf(1L).isEmpty(), "0x1 lies below the segment at 2^63");
    ElfSection text = elf.section(".text").orElseThrow();
    assertFalse(text.containsAddress(text.addr() - 1));
    assertFalse(text.containsAddress(text.addr() | Long.MIN_VALUE));
  }

  private static void assertMessage(Consumer<ByteBuffer> corrupt, String... parts)
      throws IOException {
    byte[] image = sample();
    corrupt.accept(ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN));
    ElfFormatException e = assertThrows(ElfFormatException.class, () -> parseFully(image));
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void directoryAndFifoAreRefusedWithoutOpening(@TempDir Path dir) throws Exception {
    FileSystemException d = assertThrows(FileSystemException.class, () -> ElfFile.read(dir));
    assertEquals("is a directory", d.getReason());
    Path fifo = dir.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    // Opening a FIFO for reading would block forever; the reader must refuse before that.
    FileSystemException f =
        assertTimeoutPreemptively(
            java.time.Duration.ofSeconds(10),
            () -> assertThrows(FileSystemException.class, () -> ElfFile.read(fifo)));
    assertTrue(f.getReason().contains("not a regular file"), f.getReason());
  }
}
