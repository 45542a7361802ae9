package dev.a64patch.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for the ELF reader (docs/reliability.md): any byte string is either read, and then
 * every accessor of the model answers without throwing anything but {@link ElfException}, or it is
 * refused with one {@link ElfException} whose message is one line naming the file and the field.
 * Independent cross-checks: the Kaitai-parsed symbol list and the in-place {@link ElfSymbolTable}
 * must agree, and every range the reader accepted must be sliceable.
 *
 * <p>{@code mvn verify} replays the seeds below and every input kept under {@code
 * ElfFuzzTestInputs/readEveryAccessor/}; {@code bench/fuzz.sh elf} fuzzes.
 */
class ElfFuzzTest {
  static final String NAME = "fuzz.elf";

  /**
   * A JDK exception's class name ("java.lang.IndexOutOfBoundsException") leaking into a message.
   */
  static final Pattern JAVA_EXCEPTION =
      Pattern.compile("\\bjava\\.\\w+\\.(\\w+\\.)*\\w*(Exception|Error)");

  /** Entries of a symbol table compared one by one; enough for every seed, bounded per input. */
  private static final int MAX_SYMBOLS = 4096;

  /** Small committed binaries of every kind the reader meets, and a few hand-made edge cases. */
  static Stream<byte[]> seeds() throws IOException {
    List<String> names =
        List.of(
            "be-counter",
            "hello-arm32",
            "hello-x86_64",
            "counters_asm.o",
            "counters.o",
            "libcounters-clang.so",
            "counters-clang-noshdr",
            "counters-clang-bti",
            "counters-clang-pie",
            "spin-clang-nopie");
    Stream.Builder<byte[]> out = Stream.builder();
    for (String n : names) {
      out.add(Files.readAllBytes(TestFiles.testdata(n)));
    }
    out.add(new byte[0]);
    out.add(new byte[] {0x7f, 'E', 'L', 'F'});
    out.add(headerOnly());
    return out.build();
  }

  /** A bare 64-byte AArch64 ELF64 header: no program or section headers. */
  private static byte[] headerOnly() {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
    b.putShort(16, (short) ElfConstants.ET_DYN).putShort(18, (short) ElfConstants.EM_AARCH64);
    b.putInt(20, 1).putShort(52, (short) 64);
    return b.array();
  }

  @MethodSource("seeds")
  @FuzzTest
  void readEveryAccessor(byte[] input) {
    try {
      touchEverything(ElfFile.read(ByteBuffer.wrap(input), NAME));
    } catch (ElfException e) {
      assertOneLine(e);
    }
  }

  static void assertOneLine(ElfException e) {
    String m = e.getMessage();
    assertTrue(m.startsWith(NAME + ": "), "message does not name the file: " + m);
    assertFalse(m.contains("\n"), "multi-line message: " + m);
    assertFalse(JAVA_EXCEPTION.matcher(m).find(), "message exposes a Java exception: " + m);
  }

  private static void touchEverything(ElfFile elf) {
    assertEquals(NAME, elf.name());
    ElfHeader h = elf.header();
    assertFalse(h.describe().isEmpty());
    assertFalse(elf.toString().contains("\n"));
    h.is64();
    for (ElfSegment s : elf.segments()) {
      segment(elf, s);
    }
    for (ElfSection s : elf.sections()) {
      section(elf, s);
    }
    assertEquals(!elf.sections().isEmpty(), elf.hasSectionHeaders());
    symbols(elf.symbols(), elf.symbolTable().orElse(null));
    symbols(elf.dynamicSymbols(), elf.dynamicSymbolTable().orElse(null));
    for (ElfDynamicEntry d : elf.dynamic()) {
      assertTrue(d.tag() != ElfConstants.DT_NULL, "DT_NULL is the end, not an entry");
    }
    for (ElfNote n : elf.notes()) {
      assertTrue(n.desc().isReadOnly());
      n.desc().remaining();
      n.name().length();
    }
    assertEquals(elf.size(), elf.bytes().remaining());
    UnwindRanges unwind = UnwindRanges.of(elf);
    unwind.size();
    unwind.rangeAt(h.entry());
    for (ElfSymbol s : elf.symbols().subList(0, Math.min(64, elf.symbols().size()))) {
      unwind.rangeAt(s.value()).ifPresent(r -> assertTrue(r.start() <= s.value()));
    }
  }

  private static void segment(ElfFile elf, ElfSegment s) {
    assertFalse(s.toString().contains("\n"));
    s.isExecutable();
    s.isWritable();
    s.endVaddr();
    if (s.filesz() > 0) {
      // The reader checked the file range when it accepted the header.
      assertEquals(s.filesz(), elf.slice(s.offset(), s.filesz()).remaining());
      assertTrue(s.containsOffset(s.offset()));
      if (s.isLoad()) {
        assertTrue(elf.offsetOf(s.vaddr()).isPresent(), "PT_LOAD start unmapped");
      }
    }
  }

  private static void section(ElfFile elf, ElfSection s) {
    assertFalse(s.toString().contains("\n"));
    s.isExecutable();
    s.isAlloc();
    s.containsAddress(s.addr());
    assertTrue(elf.section(s.name()).isPresent(), "section named " + s.name() + " not found");
    if (s.hasFileData()) {
      assertEquals(s.size(), elf.slice(s.offset(), s.size()).remaining());
    }
  }

  /** The Kaitai-parsed list and the in-place view are two readers of one table: they must agree. */
  private static void symbols(List<ElfSymbol> list, ElfSymbolTable view) {
    if (view == null) {
      assertEquals(List.of(), list);
      return;
    }
    assertEquals(list.size(), view.count(), "symbol count");
    for (int i = 0; i < Math.min(list.size(), MAX_SYMBOLS); i++) {
      ElfSymbol s = list.get(i);
      String where = "symbol " + i;
      assertEquals(s.name(), view.name(i), where);
      assertEquals(s.value(), view.value(i), where);
      assertEquals(s.size(), view.size(i), where);
      assertEquals(s.type(), view.type(i), where);
      assertEquals(s.bind(), view.bind(i), where);
      assertEquals(s.visibility(), view.visibility(i), where);
      assertEquals(s.shndx(), view.shndx(i), where);
      if (s.name().length() >= 2 && s.name().charAt(0) == '$') {
        // nameChar is the raw byte, the name is decoded as UTF-8: they agree on ASCII; a byte of
        // 0x80 or more decodes to a character that is not ASCII (itself or U+FFFD), and is then
        // no mapping symbol's letter either way.
        char decoded = s.name().charAt(1);
        char raw = view.nameChar(i, 1);
        if (decoded < 0x80) {
          assertEquals(decoded, raw, where);
        } else {
          assertTrue(raw >= 0x80, where + ": decoded " + (int) decoded + ", byte " + (int) raw);
        }
      }
    }
  }
}
