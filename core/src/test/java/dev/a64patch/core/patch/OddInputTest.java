package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: inputs that loaded and ran were patched (exit 0) into files that verify, restore and scan
 * then rejected: an {@code e_shstrndx} of 0, executable sections that overlap (every read counted
 * and patched twice). Every file patch writes must verify and restore; what cannot is refused
 * before anything is written.
 */
class OddInputTest {
  @TempDir Path dir;

  @Test
  void shstrndxZeroIsPatchedRestorablyOrRefused() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    f.le().putShort(0x3e, (short) 0);
    assertPatchVerifiesAndRestoresOrRefuses(write("shstrndx0", f));
  }

  @Test
  void overlappingExecutableSectionsAreNotPatchedTwice() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    ElfSection text = f.elf().section(".text").orElseThrow();
    int at = f.header(f.elf().section(".fini").orElseThrow());
    f.le().putLong(at + 0x10, text.addr()); // sh_addr
    f.le().putLong(at + 0x18, text.offset()); // sh_offset
    f.le().putLong(at + 0x20, text.size()); // sh_size
    Path odd = write("overlap", f);
    var scan = scan(ElfFile.read(odd));
    long distinct = scan.findings().stream().map(r -> r.offset()).distinct().count();
    assertEquals(distinct, scan.findings().size(), "a read is reported twice");
    assertPatchVerifiesAndRestoresOrRefuses(odd);
  }

  /** A .text sh_offset that disagrees with its segment: reads are found where the code runs. */
  @Test
  void sectionOffsetThatDisagreesWithItsSegmentIsNotWhereSitesArePatched() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    ElfSection text = f.elf().section(".text").orElseThrow();
    f.le().putLong(f.header(text) + 0x18, text.offset() + 0x40); // sh_offset off by 0x40
    Path odd = write("shoffset", f);
    var before = scan(f.elf());
    var after = scan(ElfFile.read(odd));
    assertEquals(
        before.findings().stream().map(r -> r.offset() + "@" + r.address()).toList(),
        after.findings().stream().map(r -> r.offset() + "@" + r.address()).toList(),
        "reads are where the segment maps the code");
    assertPatchVerifiesAndRestoresOrRefuses(odd);
    assertPatchedRuns(odd);
  }

  @Test
  void staticPieThatLostItsPieFlagStillRunsAfterPatching() throws Exception {
    Fixture f = Fixture.of("counters-gcc-static-pie");
    ElfSection dynamic =
        f.elf().sections().stream()
            .filter(s -> s.type() == 6) // SHT_DYNAMIC
            .findFirst()
            .orElseThrow();
    boolean cleared =
        f.editDynamic(dynamic, 0x6ffffffbL, v -> v & ~0x08000000L); // DT_FLAGS_1: clear DF_1_PIE
    assertTrue(cleared, "no DT_FLAGS_1 in " + f.path());
    Path odd = write("static-pie-noflag", f);
    Tools.Result before = Qemu.run(odd);
    assertEquals(0, before.exitCode(), "the mutated input runs: " + before.describe());
    assertPatchVerifiesAndRestoresOrRefuses(odd);
    assertPatchedRuns(odd);
  }

  /**
   * Reproducer (fuzzing): a DT_STRSZ above 2^63 is negative as a Java long; it sized the copy of
   * .dynstr for the shared-clock import, the data segment after it landed at a wrapped address and
   * encoding the trampolines threw "ADRP ... cannot reach 0xfffffff6...": exit 70.
   */
  @Test
  void dynamicTableSizeAbove2To63IsNotAnInternalError() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    ElfSection dynamic = f.elf().section(".dynamic").orElseThrow();
    boolean found = f.editDynamic(dynamic, 10, v -> 0xFFFF_FFF6_0000_0000L); // DT_STRSZ
    assertTrue(found, "the fixture has DT_STRSZ");
    Path odd = write("strsz", f);
    var plan = Planner.plan(ElfFile.read(odd), scan(ElfFile.read(odd)), PatchOptions.defaults());
    assertTrue(
        plan.notes().stream().anyMatch(n -> n.contains("DT_STRTAB table of 18446744030759878656")),
        "the object keeps its own counter and says why: " + plan.notes());
    assertPatchVerifiesAndRestoresOrRefuses(odd);
  }

  /**
   * Reproducer (fuzzing): a .text whose sh_size runs past the file bytes of the segment that maps
   * it was scanned up to sh_size from the segment's offset, past the end of the file: {@code
   * IllegalArgumentException: newLimit > capacity}. Code is what the segment maps; past its file
   * bytes the loader maps zeros.
   */
  @Test
  void textSectionLargerThanItsSegmentIsScannedAsTheSegmentMapsIt() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    ElfFile elf = f.elf();
    ElfSection text = elf.section(".text").orElseThrow();
    long segmentEnd = elf.loadAt(text.addr()).orElseThrow().offset();
    segmentEnd += elf.loadAt(text.addr()).orElseThrow().filesz();
    // Still inside the file by sh_offset, so the reader accepts it, but past the segment.
    long size = f.bytes().length - text.offset();
    assertTrue(text.offset() + size > segmentEnd, "the new size runs past the segment");
    f.le().putLong(f.header(text) + 0x20, size); // sh_size
    Path odd = write("bigtext", f);
    var before = scan(elf);
    var after = scan(ElfFile.read(odd));
    assertEquals(offsetsIn(before, text), offsetsIn(after, text));
    assertPatchVerifiesAndRestoresOrRefuses(odd);
  }

  @Test
  void nonPowerOfTwoAlignmentIsRefusedAsBadInput() throws Exception {
    Fixture f = Fixture.of("counters-gcc-pie");
    ElfFile elf = f.elf();
    var load = elf.segments().stream().filter(s -> s.isLoad()).reduce((a, c) -> c).orElseThrow();
    f.le().putLong((int) (elf.header().phoff() + (long) load.index() * 56 + 0x30), 0x30000);
    Path odd = write("align3", f);
    Path out = dir.resolve("align3.patched");
    var e =
        assertThrows(
            dev.a64patch.elf.ElfException.class,
            () -> Patcher.patch(odd, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("not a power of two"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  /**
   * A test binary to damage: its bytes, a little-endian view to write through, and the file parsed
   * as it was.
   */
  private record Fixture(Path path, byte[] bytes, ElfFile elf, ByteBuffer le) {
    static Fixture of(String name) throws IOException {
      Path in = TestData.bin(name);
      byte[] b = Files.readAllBytes(in);
      return new Fixture(
          in, b, ElfFile.read(in), ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** The file offset of {@code section}'s header (an Elf64_Shdr is 64 bytes). */
    int header(ElfSection section) {
      return (int) (elf.header().shoff() + (long) section.index() * 64);
    }

    /** Rewrites the value of each entry tagged {@code tag} in {@code dynamic}; false if none. */
    boolean editDynamic(ElfSection dynamic, long tag, LongUnaryOperator value) {
      boolean found = false;
      for (int at = (int) dynamic.offset(); at < dynamic.offset() + dynamic.size(); at += 16) {
        if (le.getLong(at) == tag) {
          le.putLong(at + 8, value.applyAsLong(le.getLong(at + 8)));
          found = true;
        }
      }
      return found;
    }
  }

  /** The patched {@code input}, if patch wrote one, exits 0, as the input did. */
  private static void assertPatchedRuns(Path input) throws Exception {
    Path out = input.resolveSibling(input.getFileName() + ".patched");
    if (Files.exists(out)) {
      Tools.Result run = Qemu.run(out);
      assertEquals(0, run.exitCode(), "patched (exit 0) but crashes: " + run.describe());
    }
  }

  private Path write(String name, Fixture f) throws Exception {
    Path p = dir.resolve(name);
    Files.write(p, f.bytes());
    Files.setPosixFilePermissions(
        p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static dev.a64patch.core.scan.ScanResult scan(ElfFile elf) {
    return dev.a64patch.core.scan.Scanner.scan(elf, dev.a64patch.core.scan.ScanOptions.defaults());
  }

  /** File offsets of the reads found in {@code section}'s address range. */
  private static java.util.List<Long> offsetsIn(
      dev.a64patch.core.scan.ScanResult r, ElfSection section) {
    return r.findings().stream()
        .filter(f -> f.address() >= section.addr() && f.address() < section.addr() + section.size())
        .map(f -> f.offset())
        .toList();
  }

  static void assertPatchVerifiesAndRestoresOrRefuses(Path input) throws Exception {
    Path out = input.resolveSibling(input.getFileName() + ".patched");
    try {
      Patcher.patch(input, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    } catch (PatchException | dev.a64patch.elf.ElfException e) {
      assertFalse(Files.exists(out), "refused, but wrote " + out);
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
      return;
    }
    VerifyReport v = Verifier.verify(ElfFile.read(out));
    assertTrue(v.ok(), "patched (exit 0) but verify fails: " + v.problems());
    Path back = input.resolveSibling(input.getFileName() + ".restored");
    Patcher.restore(out, back, PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(input, back), "restore does not give the input back");
  }
}
