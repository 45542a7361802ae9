package dev.a64patch.core.patch;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.elf.UnsupportedElfException;

/**
 * Inputs the loaders tolerate but a patch cannot be laid out for: refused (exit 3) before planning,
 * so no output that would crash is ever written.
 */
final class InputRules {
  private InputRules() {}

  static void check(ElfFile elf) {
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad() && !validAlign(s.align())) {
        // New segments copy the largest alignment; a value that is not a power of two gives a
        // segment the kernel and qemu refuse to map ("Error mapping file").
        throw new UnsupportedElfException(
            elf.name(),
            String.format(
                "PT_LOAD %d has p_align 0x%x, which is not a power of two; cannot place new"
                    + " segments after it",
                s.index(), s.align()));
      }
    }
  }

  /** 0 and 1 mean "no alignment"; anything else must be a power of two (ELF gABI). */
  static boolean validAlign(long align) {
    return align == 0 || (align > 0 && (align & (align - 1)) == 0);
  }
}
