package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by fuzzing (PatchFuzzTest): a file whose PT_LOAD entries are not in ascending p_vaddr order
 * was patched into a file that failed verify. It is bad input (exit 3), refused before writing.
 */
class LoadOrderTest {
  @Test
  void loadSegmentsOutOfVaddrOrderAreBadInput(@TempDir Path dir) throws Exception {
    byte[] image = Files.readAllBytes(TestData.bin("counters-gcc-pie"));
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(image), "in");
    List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
    int a = (int) (elf.header().phoff() + loads.get(0).index() * 56L);
    int b = (int) (elf.header().phoff() + loads.get(1).index() * 56L);
    byte[] first = java.util.Arrays.copyOfRange(image, a, a + 56);
    System.arraycopy(image, b, image, a, 56);
    System.arraycopy(first, 0, image, b, 56);
    Path in = Files.write(dir.resolve("swapped"), image);
    Path out = dir.resolve("out");

    A64PatchException e =
        assertThrows(
            A64PatchException.class,
            () -> Patcher.patch(in, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE));
    assertEquals(FailureKind.BAD_INPUT, e.kind(), e.getMessage());
    assertTrue(e.getMessage().contains("not in ascending p_vaddr order"), e.getMessage());
    assertArrayEquals(image, Files.readAllBytes(in));
    assertFalse(Files.exists(out));
  }
}
