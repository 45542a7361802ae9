package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfHeader;
import dev.a64patch.elf.ElfNames;
import dev.a64patch.elf.UnsupportedElfException;

/** The check that an ELF file is one a64patch works on: 64-bit AArch64, either byte order. */
public final class AArch64Check {
  private AArch64Check() {}

  /**
   * @throws UnsupportedElfException naming what the file is instead
   */
  public static void require(ElfFile elf) {
    ElfHeader h = elf.header();
    if (h.machine() != EM_AARCH64) {
      throw new UnsupportedElfException(
          elf.name(),
          String.format(
              "%s file (e_machine %d), not AArch64", ElfNames.machine(h.machine()), h.machine()));
    }
    if (!h.is64()) {
      throw new UnsupportedElfException(
          elf.name(), "ELF32 AArch64 (ILP32) file, only ELF64 AArch64 is supported");
    }
  }
}
