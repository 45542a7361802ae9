package dev.a64patch.elf;

import java.nio.ByteBuffer;

/**
 * One note entry (Elf_Nhdr + name + descriptor); {@code desc} is a read-only view in file byte
 * order.
 */
public record ElfNote(String name, long type, ByteBuffer desc) {
  public ElfNote {
    desc = desc.asReadOnlyBuffer().order(desc.order());
  }
}
