package dev.a64patch.core.patch;

import dev.a64patch.elf.ElfRecord;
import java.nio.ByteBuffer;

/**
 * One section header a writer adds (the patched file's new sections, the runtime library's), with
 * every field named: encoded through {@link ElfRecord#SHDR}, so field order and widths are the
 * codec's.
 *
 * @param name offset of the name in the section name table
 */
record SectionHeader(
    long name,
    long type,
    long flags,
    long addr,
    long offset,
    long size,
    long link,
    long info,
    long align,
    long entsize) {

  /** A header whose sh_link, sh_info and sh_entsize are 0. */
  static SectionHeader of(
      long name, long type, long flags, long addr, long offset, long size, long align) {
    return new SectionHeader(name, type, flags, addr, offset, size, 0, 0, align, 0);
  }

  void put(ElfRecord.Format shdr, ByteBuffer b, int at) {
    shdr.put(b, at, "sh_name", name);
    shdr.put(b, at, "sh_type", type);
    shdr.put(b, at, "sh_flags", flags);
    shdr.put(b, at, "sh_addr", addr);
    shdr.put(b, at, "sh_offset", offset);
    shdr.put(b, at, "sh_size", size);
    shdr.put(b, at, "sh_link", link);
    shdr.put(b, at, "sh_info", info);
    shdr.put(b, at, "sh_addralign", align);
    shdr.put(b, at, "sh_entsize", entsize);
  }
}
