package dev.a64patch.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A symbol table read in place, one field at a time: the fast path for callers that look at many
 * symbols but need the names of few (attributing a handful of findings in a library with 100 000
 * symbols). The record layout is {@code symbol} of elf.ksy (Elf64_Sym / Elf32_Sym); {@link
 * ElfFile#symbols()} reads the same table through Kaitai, and the tests check that both agree. The
 * section's entry size and string table link are validated when the view is created.
 */
public final class ElfSymbolTable {
  private final ByteBuffer entries;
  private final StringTable names;
  private final boolean is64;
  private final int entsize;
  private final int count;

  ElfSymbolTable(ByteBuffer entries, StringTable names, boolean is64, boolean littleEndian) {
    this.entries = entries.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    this.names = names;
    this.is64 = is64;
    this.entsize = ElfConstants.symSize(is64 ? ElfConstants.ELFCLASS64 : ElfConstants.ELFCLASS32);
    this.count = entries.limit() / entsize;
  }

  public int count() {
    return count;
  }

  public long value(int i) {
    int at = i * entsize;
    return is64 ? entries.getLong(at + 8) : entries.getInt(at + 4) & 0xffffffffL;
  }

  public long size(int i) {
    int at = i * entsize;
    return is64 ? entries.getLong(at + 16) : entries.getInt(at + 8) & 0xffffffffL;
  }

  public int type(int i) {
    return info(i) & 0xf;
  }

  public int bind(int i) {
    return info(i) >>> 4;
  }

  public int visibility(int i) {
    return entries.get(i * entsize + (is64 ? 5 : 13)) & 0x3;
  }

  public int shndx(int i) {
    return entries.getShort(i * entsize + (is64 ? 6 : 14)) & 0xffff;
  }

  public String name(int i) {
    return names.get(nameIndex(i), "st_name", 0);
  }

  /** For AArch64 mapping symbols: the second character of the name ({@code x} or {@code d}). */
  public char nameChar(int i, int index) {
    return (char) names.byteAt(nameIndex(i) + index);
  }

  private long nameIndex(int i) {
    return entries.getInt(i * entsize) & 0xffffffffL;
  }

  private int info(int i) {
    return entries.get(i * entsize + (is64 ? 4 : 12)) & 0xff;
  }
}
