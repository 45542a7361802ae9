package dev.a64patch.core.disasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.a64patch.testing.CapstoneOracle;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The decoder remembers the text of words that read the same at any address: whatever it answers
 * must be what Capstone prints for that word at that address, PC-relative forms included, and an
 * ADRP seen twice in one 4 KiB page (where it reads the same) among them.
 */
class RememberingDecoderTest {
  private static final int[] WORDS = {
    0xd503201f, // nop
    0x910003fd, // mov x29, sp
    0xd65f03c0, // ret
    0xd53be040, // mrs x0, cntvct_el0
    0xf81f0ff0, // str x16, [sp, #-0x10]!
    0xb0000010, // adrp x16, one page on
    0x90000211, // adrp x17, 16 pages on
    0x14000004, // b, 16 bytes on
    0x94000010, // bl
    0x58000040, // ldr x0, literal
    0xb4000041, // cbz x1
    0x36000040, // tbz w0, #0
    0x10000020, // adr x0
    0x00000000, // not an instruction in Capstone 4
  };

  private static final long[] ADDRESSES = {
    0x1000, 0x1004, 0x1ff8, 0x2000, 0x400000, 0x400004, 0x10001000, 0x10001004
  };

  @Test
  void anAdrpSeenTwiceInOnePageIsStillDecodedInTheNext() {
    try (CapstoneOracle oracle = CapstoneOracle.open();
        InstructionDecoder decoder = InstructionDecoder.open()) {
      int adrp = 0xb0000010;
      for (long address : new long[] {0x1000, 0x1004, 0x1ff8, 0x2000, 0x2004, 0x3000}) {
        assertEquals(oracle.decode(adrp, address), decoder.decode(adrp, address).orElse(null));
      }
    }
  }

  @Test
  void everyAnswerIsCapstonesAtThatAddress() {
    Random random = new Random(9);
    try (CapstoneOracle oracle = CapstoneOracle.open();
        InstructionDecoder decoder = InstructionDecoder.open()) {
      for (int i = 0; i < 4000; i++) {
        int word = WORDS[random.nextInt(WORDS.length)];
        long address = ADDRESSES[random.nextInt(ADDRESSES.length)];
        assertEquals(
            oracle.decode(word, address),
            decoder.decode(word, address).orElse(null),
            String.format("0x%08x at 0x%x, call %d", word, address, i));
      }
    }
  }
}
