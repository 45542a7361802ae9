package dev.a64patch.core.disasm;

import capstone.api.Disassembler;
import capstone.api.DisassemblerFactory;
import capstone.api.Instruction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Loads Capstone once per process and remembers whether that worked. */
final class CapstoneSupport {
  /**
   * {@code -Da64patch.capstone=off} runs without Capstone, as on a platform where it cannot load.
   */
  static final String SWITCH = "a64patch.capstone";

  private static final Object LOCK = new Object();
  private static volatile String failure;
  private static volatile boolean probed;

  private CapstoneSupport() {}

  static InstructionDecoder open() {
    probe();
    if (failure != null) {
      return Unavailable.INSTANCE;
    }
    try {
      return new CapstoneDecoder(DisassemblerFactory.createArm64Disassembler());
    } catch (LinkageError | RuntimeException e) {
      return Unavailable.INSTANCE;
    }
  }

  static Optional<String> unavailableReason() {
    probe();
    return Optional.ofNullable(failure);
  }

  private static void probe() {
    if (probed) {
      return;
    }
    synchronized (LOCK) {
      if (probed) {
        return;
      }
      if ("off".equals(System.getProperty(SWITCH))) {
        failure = "Capstone disabled (-D" + SWITCH + "=off)";
        probed = true;
        return;
      }
      try (Disassembler d = DisassemblerFactory.createArm64Disassembler()) {
        d.disasm(new byte[] {0x1f, 0x20, 0x03, (byte) 0xd5}, 0); // nop
      } catch (LinkageError | Exception e) {
        failure =
            "Capstone native library not available on "
                + System.getProperty("os.name")
                + "/"
                + System.getProperty("os.arch")
                + " ("
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage()
                + ")";
      }
      probed = true;
    }
  }

  /** Capstone 4 prints newer system registers generically; give them their architectural names. */
  static String architecturalNames(String text) {
    return text.replace("s3_3_c14_c0_6", "cntvctss_el0")
        .replace("s3_3_c14_c0_5", "cntpctss_el0")
        .replace("s3_3_c2_c4_0", "rndr")
        .replace("s3_3_c2_c4_1", "rndrrs");
  }

  /**
   * Remembers the text of a word that reads the same wherever it is: verify decodes every word of
   * every trampoline, and most of them are the same few instructions (a patch of 8,000 sites made
   * 120,000 calls into Capstone, a third of its proof; docs/performance.md, "Ninth round"). A word
   * is taken to read the same only when Capstone itself printed it alike at two addresses and at a
   * third 256 MiB away, where every PC-relative form (B, BL, ADR, ADRP, a literal load, a test and
   * branch) names another target; a word seen once is not remembered.
   */
  abstract static class Remembering implements InstructionDecoder {
    /** Words remembered at most: the scan of a large image sees many distinct words. */
    static final int LIMIT = 1 << 16;

    /** The distance of the third address: another 4 KiB page and another branch target. */
    static final long FAR = 1L << 28;

    private final Map<Integer, Optional<String>> fixed = new HashMap<>();
    private final Map<Integer, Long> seenAt = new HashMap<>();
    private final Map<Integer, Optional<String>> seenAs = new HashMap<>();
    private final Set<Integer> relative = new HashSet<>();

    /** Capstone's text for {@code w} at {@code address}, asked every time. */
    abstract Optional<String> decodeOnce(int w, long address);

    /** The text of {@code w} at {@code address}, from {@link #decodeOnce} unless remembered. */
    @Override
    public Optional<String> decode(int w, long address) {
      Optional<String> known = fixed.get(w);
      if (known != null) {
        return known;
      }
      Optional<String> here = decodeOnce(w, address);
      if (relative.contains(w) || fixed.size() + seenAt.size() + relative.size() >= LIMIT) {
        return here;
      }
      Long before = seenAt.get(w);
      if (before == null) {
        seenAt.put(w, address);
        seenAs.put(w, here);
      } else if (before != address) {
        seenAt.remove(w);
        if (seenAs.remove(w).equals(here) && decodeOnce(w, address + FAR).equals(here)) {
          fixed.put(w, here);
        } else {
          relative.add(w);
        }
      }
      return here;
    }
  }

  private static final class CapstoneDecoder extends Remembering {
    private final Disassembler disassembler;
    private final byte[] word = new byte[4];

    CapstoneDecoder(Disassembler disassembler) {
      this.disassembler = disassembler;
    }

    @Override
    Optional<String> decodeOnce(int w, long address) {
      word[0] = (byte) w;
      word[1] = (byte) (w >>> 8);
      word[2] = (byte) (w >>> 16);
      word[3] = (byte) (w >>> 24);
      Instruction[] insns = disassembler.disasm(word, address, 1);
      if (insns == null || insns.length == 0) {
        return Optional.empty();
      }
      Instruction i = insns[0];
      String ops = i.getOpStr();
      return Optional.of(
          architecturalNames(
              ops == null || ops.isEmpty() ? i.getMnemonic() : i.getMnemonic() + " " + ops));
    }

    @Override
    public boolean available() {
      return true;
    }

    @Override
    public void close() {
      try {
        disassembler.close();
      } catch (java.io.IOException e) {
        // nothing to release beyond the native handle; ignore
      }
    }
  }

  private enum Unavailable implements InstructionDecoder {
    INSTANCE;

    @Override
    public Optional<String> decode(int word, long address) {
      return Optional.empty();
    }

    @Override
    public boolean available() {
      return false;
    }

    @Override
    public void close() {}
  }
}
