package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * spin.c's main waits on the counter in a loop; counters_all_rt reads every register once, straight
 * through (its only loop, which copies the values, lies after the reads and branches back to after
 * them).
 */
class LoopsTest {
  @Test
  void theSpinWaitIsALoop() throws IOException {
    ElfFile elf = ElfFile.read(TestData.bin("spin"));
    Finding read =
        Scanner.scan(elf, ScanOptions.defaults()).findings().stream()
            .filter(f -> f.symbol() != null && f.symbol().name().equals("main"))
            .findFirst()
            .orElseThrow();
    Loops.Loop loop = Loops.around(elf, read).orElseThrow();
    assertTrue(loop.to() <= read.address() && loop.from() >= read.address(), loop.toString());
  }

  @Test
  void straightLineReadsAreNot() throws IOException {
    ElfFile elf = ElfFile.read(TestData.bin("counters-gcc-pie"));
    for (Finding f : Scanner.scan(elf, ScanOptions.defaults()).findings()) {
      if (f.symbol() != null && f.symbol().name().equals("counters_all_rt")) {
        assertTrue(Loops.around(elf, f).isEmpty(), f.toString());
      }
    }
  }
}
