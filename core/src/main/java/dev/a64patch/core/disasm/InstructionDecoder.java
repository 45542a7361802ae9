package dev.a64patch.core.disasm;

import java.util.Optional;

/**
 * Decodes single A64 instruction words for plausibility checks, context listings and {@code
 * verify}. Backed by Capstone when its native library loads; otherwise {@link #available()} is
 * false, {@link #decode} returns empty, and callers skip the checks that need it (and say so once).
 */
public interface InstructionDecoder extends AutoCloseable {

  /**
   * {@code mnemonic operands} for the word at {@code address}, or empty when it is not a valid
   * instruction.
   */
  Optional<String> decode(int word, long address);

  boolean available();

  @Override
  void close();

  /** A new decoder; not thread-safe, so each scan opens its own. */
  static InstructionDecoder open() {
    return CapstoneSupport.open();
  }

  /**
   * Loads Capstone now, if it is not loaded yet: for a thread that does it while the command line
   * is still being parsed (docs/performance.md). Never fails; a failure is remembered as the {@link
   * #unavailableReason()}.
   */
  static void load() {
    CapstoneSupport.unavailableReason();
  }

  /** Why Capstone could not be loaded, or empty when it works on this platform. */
  static Optional<String> unavailableReason() {
    return CapstoneSupport.unavailableReason();
  }
}
