package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Names for trampolines: one local STT_FUNC symbol each, in a {@code .symtab} that lies outside
 * every loaded segment, so that objdump, gdb and perf name the code, {@code strip} removes it, and
 * restore (which cuts the file back to its original length) is unaffected.
 *
 * <p>When the file has a .symtab, a copy is appended with the new symbols after the old local ones
 * (ELF requires locals first; sh_info grows by their number) and a copy of its .strtab grown by the
 * new names; the old section headers are pointed at the copies. Inserting shifts the indices of the
 * global symbols, which only section-relative relocations (ld --emit-relocs) and SHT_SYMTAB_SHNDX
 * refer to: with those, the file gets no names. When the file has no .symtab, one is created with
 * its .strtab.
 */
public final class TrampolineSymbols {
  static final int SYM_SIZE = 24;

  /** A symbol to add. */
  public record Symbol(String name, long value, long size) {}

  /**
   * The bytes of the new tables and how the section headers change.
   *
   * @param symtabIndex the existing .symtab's section index, or -1 when the tables are new
   * @param strtabIndex the existing .strtab's section index, or -1
   * @param firstGlobal the new sh_info
   */
  public record Tables(
      byte[] symtab, byte[] strtab, int symtabIndex, int strtabIndex, long firstGlobal) {
    public boolean created() {
      return symtabIndex < 0;
    }
  }

  private TrampolineSymbols() {}

  /** Why names cannot be added to this file, or empty when they can. */
  public static Optional<String> obstacle(ElfFile elf) {
    Optional<ElfSection> symtab = symtab(elf);
    if (symtab.isEmpty()) {
      return Optional.empty();
    }
    for (ElfSection s : elf.sections()) {
      boolean rel = s.type() == SHT_REL || s.type() == SHT_RELA;
      if ((rel || s.type() == SHT_SYMTAB_SHNDX) && s.link() == symtab.get().index()) {
        return Optional.of(
            "section " + s.name() + " refers to .symtab by index; trampolines are left unnamed");
      }
    }
    ElfSection t = symtab.get();
    if (t.entsize() != SYM_SIZE
        || t.size() % SYM_SIZE != 0
        || t.info() > t.size() / SYM_SIZE
        || t.link() <= 0
        || t.link() >= elf.sections().size()
        || elf.sections().get((int) t.link()).type() != SHT_STRTAB) {
      return Optional.of(".symtab is not a well-formed table; trampolines are left unnamed");
    }
    return Optional.empty();
  }

  private static Optional<ElfSection> symtab(ElfFile elf) {
    return elf.hasSectionHeaders()
        ? elf.sections().stream().filter(s -> s.type() == SHT_SYMTAB).findFirst()
        : Optional.empty();
  }

  /**
   * The tables holding {@code symbols}, defined in section {@code shndx}.
   *
   * @throws IllegalStateException when {@link #obstacle} is not empty
   */
  public static Tables build(ElfFile elf, List<Symbol> symbols, int shndx) {
    if (obstacle(elf).isPresent()) {
      throw new IllegalStateException(obstacle(elf).get());
    }
    ByteOrder order =
        elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    Optional<ElfSection> symtab = symtab(elf);
    byte[] oldSyms = new byte[SYM_SIZE]; // the null symbol
    byte[] oldNames = {0};
    long locals = 1;
    if (symtab.isPresent()) {
      ElfSection t = symtab.get();
      ElfSection names = elf.sections().get((int) t.link());
      oldSyms = bytes(elf, t.offset(), t.size());
      oldNames = bytes(elf, names.offset(), names.size());
      locals = t.info();
    }
    ByteArrayOutputStream strtab = new ByteArrayOutputStream();
    strtab.writeBytes(oldNames);
    if (oldNames.length == 0 || oldNames[oldNames.length - 1] != 0) {
      strtab.write(0);
    }
    ByteBuffer added = ByteBuffer.allocate(symbols.size() * SYM_SIZE).order(order);
    for (Symbol s : symbols) {
      int name = strtab.size();
      strtab.writeBytes(s.name().getBytes(StandardCharsets.UTF_8));
      strtab.write(0);
      added
          .putInt(name)
          .put((byte) (STB_LOCAL << 4 | STT_FUNC))
          .put((byte) 0) // STV_DEFAULT
          .putShort((short) shndx)
          .putLong(s.value())
          .putLong(s.size());
    }
    ByteArrayOutputStream table = new ByteArrayOutputStream();
    table.write(oldSyms, 0, (int) locals * SYM_SIZE);
    table.writeBytes(added.array());
    table.write(oldSyms, (int) locals * SYM_SIZE, oldSyms.length - (int) locals * SYM_SIZE);
    return new Tables(
        table.toByteArray(),
        strtab.toByteArray(),
        symtab.map(ElfSection::index).orElse(-1),
        symtab.map(t -> (int) t.link()).orElse(-1),
        locals + symbols.size());
  }

  private static byte[] bytes(ElfFile elf, long offset, long size) {
    ByteBuffer b = elf.slice(offset, size);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
