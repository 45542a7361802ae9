package dev.a64patch.testing;

import capstone.api.Disassembler;
import capstone.api.DisassemblerFactory;
import capstone.api.Instruction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Capstone as an independent disassembler, used directly (not through the production {@code
 * InstructionDecoder}, which renames some system registers): {@code mnemonic operands} exactly as
 * Capstone prints them, or null for a word it does not decode.
 */
public final class CapstoneOracle implements AutoCloseable {
  private final Disassembler disassembler;

  private CapstoneOracle(Disassembler disassembler) {
    this.disassembler = disassembler;
  }

  /** Opens an AArch64 disassembler, or skips the calling test when Capstone cannot load here. */
  public static CapstoneOracle open() {
    try {
      return new CapstoneOracle(DisassemblerFactory.createArm64Disassembler());
    } catch (LinkageError | RuntimeException e) {
      Tools.assumeAvailable(
          false,
          "Capstone native library not available on " + System.getProperty("os.arch") + ": " + e);
      throw new AssertionError(e);
    }
  }

  public String decode(int word, long address) {
    Instruction[] insns = disassembler.disasm(bytes(new int[] {word}), address, 1);
    return insns == null || insns.length == 0 ? null : text(insns[0]);
  }

  /**
   * Decodes consecutive words from {@code address}; an entry is null where Capstone stopped
   * decoding.
   */
  public List<String> decodeAll(int[] words, long address) {
    Instruction[] insns = disassembler.disasm(bytes(words), address, 0);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      out.add(
          insns != null && i < insns.length && insns[i].getAddress() == address + 4L * i
              ? text(insns[i])
              : null);
    }
    return out;
  }

  private static String text(Instruction i) {
    String ops = i.getOpStr();
    return ops == null || ops.isEmpty() ? i.getMnemonic() : i.getMnemonic() + " " + ops;
  }

  public static byte[] bytes(int[] words) {
    byte[] b = new byte[words.length * 4];
    for (int i = 0; i < words.length; i++) {
      b[4 * i] = (byte) words[i];
      b[4 * i + 1] = (byte) (words[i] >>> 8);
      b[4 * i + 2] = (byte) (words[i] >>> 16);
      b[4 * i + 3] = (byte) (words[i] >>> 24);
    }
    return b;
  }

  @Override
  public void close() {
    try {
      disassembler.close();
    } catch (IOException e) {
      // only the native handle to release
    }
  }
}
