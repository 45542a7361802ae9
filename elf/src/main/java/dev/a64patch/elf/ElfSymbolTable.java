package dev.a64patch.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A symbol table read in place, one field at a time: the fast path for callers that look at many
 * symbols but need the names of few (attributing a handful of findings in a library with 100 000
 * symbols). The record layout is {@link ElfRecord#SYM} (Elf64_Sym / Elf32_Sym); {@link
 * ElfFile#symbols()} reads the same table through Kaitai, and the tests check that both agree. The
 * section's entry size and string table link are validated when the view is created.
 */
public final class ElfSymbolTable {
  private final ByteBuffer entries;
  private final StringTable names;
  private final boolean is64;
  private final int entsize;
  private final int count;
  // Field offsets inside one entry, from the one definition of the record.
  private final int nameAt;
  private final int valueAt;
  private final int sizeAt;
  private final int infoAt;
  private final int otherAt;
  private final int shndxAt;

  ElfSymbolTable(ByteBuffer entries, StringTable names, boolean is64, boolean littleEndian) {
    this.entries = entries.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    this.names = names;
    this.is64 = is64;
    ElfRecord.Format sym =
        ElfRecord.SYM.in(is64 ? ElfConstants.ELFCLASS64 : ElfConstants.ELFCLASS32);
    this.entsize = sym.size();
    this.count = entries.limit() / entsize;
    this.nameAt = sym.offset("st_name");
    this.valueAt = sym.offset("st_value");
    this.sizeAt = sym.offset("st_size");
    this.infoAt = sym.offset("st_info");
    this.otherAt = sym.offset("st_other");
    this.shndxAt = sym.offset("st_shndx");
  }

  public int count() {
    return count;
  }

  public long value(int i) {
    int at = i * entsize;
    return is64 ? entries.getLong(at + valueAt) : entries.getInt(at + valueAt) & 0xffffffffL;
  }

  public long size(int i) {
    int at = i * entsize;
    return is64 ? entries.getLong(at + sizeAt) : entries.getInt(at + sizeAt) & 0xffffffffL;
  }

  public int type(int i) {
    return info(i) & 0xf;
  }

  public int bind(int i) {
    return info(i) >>> 4;
  }

  public int visibility(int i) {
    return entries.get(i * entsize + otherAt) & 0x3;
  }

  public int shndx(int i) {
    return entries.getShort(i * entsize + shndxAt) & 0xffff;
  }

  public String name(int i) {
    return names.get(nameIndex(i), "st_name", 0);
  }

  /** For AArch64 mapping symbols: the second character of the name ({@code x} or {@code d}). */
  public char nameChar(int i, int index) {
    return (char) names.byteAt(nameIndex(i) + index);
  }

  private long nameIndex(int i) {
    return entries.getInt(i * entsize + nameAt) & 0xffffffffL;
  }

  private int info(int i) {
    return entries.get(i * entsize + infoAt) & 0xff;
  }
}
