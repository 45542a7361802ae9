package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.raw.ElfRaw;
import dev.a64patch.elf.raw.ElfRaw.EndianElf;
import io.kaitai.struct.ByteBufferKaitaiStream;
import io.kaitai.struct.KaitaiStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the structures of {@code elf.ksy} at offsets it has checked against the file size first.
 * Kaitai knows the layout; this class knows which values are legal. Every rule violation becomes an
 * {@link ElfFormatException} naming the field, its offset, and the expected and actual values.
 */
final class ElfReader {
  private final String file;
  private final ByteBuffer buf;
  private final long size;
  private final KaitaiStream io;
  private ElfRaw root;
  private boolean le;

  ElfReader(String file, ByteBuffer buf) {
    this.file = file;
    this.buf = buf;
    this.size = buf.limit();
    this.io = new ByteBufferKaitaiStream(buf.duplicate());
  }

  ElfHeader readHeader() {
    checkIdent();
    int elfClass = buf.get(4);
    le = buf.get(5) == ELFDATA2LSB;
    ElfRecord.Format eh = ElfRecord.EHDR.in(elfClass);
    int ehdr = eh.size();
    if (size < ehdr) {
      throw error(
          size,
          "ELF header",
          String.format(
              "file ends at 0x%x inside the %d-byte %s header",
              size, ehdr, ElfNames.elfClass(elfClass)));
    }
    io.seek(0);
    root = new ElfRaw(io);
    EndianElf h = root.header();
    boolean is64 = elfClass == ELFCLASS64;
    int phentsize = h.ePhentsize();
    int shentsize = h.eShentsize();
    long phoff = h.ePhoff();
    long shoff = h.eShoff();
    int phnum = h.ePhnum();
    int shnum = h.eShnum();
    int shstrndx = h.eShstrndx();
    if (shoff != 0 || shnum != 0) {
      expectEntsize(
          shentsize, ElfRecord.SHDR.in(elfClass).size(), eh.offset("e_shentsize"), "e_shentsize");
    }
    if (phnum != 0) {
      expectEntsize(
          phentsize, ElfRecord.PHDR.in(elfClass).size(), eh.offset("e_phentsize"), "e_phentsize");
    }
    // gABI "Sections": when a count does not fit in 16 bits, section 0 holds it.
    boolean extended = phnum == PN_XNUM || (shnum == 0 && shoff != 0) || shstrndx == SHN_XINDEX;
    if (extended) {
      checkRange(
          shoff,
          ElfRecord.SHDR.in(elfClass).size(),
          eh.offset("e_shoff"),
          "e_shoff",
          "section header 0");
      EndianElf.SectionHeader s0 = sectionHeader(shoff);
      if (phnum == PN_XNUM) phnum = (int) Math.min(s0.shInfo(), Integer.MAX_VALUE);
      if (shnum == 0) shnum = (int) Math.min(unsignedOrMax(s0.shSize()), Integer.MAX_VALUE);
      if (shstrndx == SHN_XINDEX) shstrndx = (int) Math.min(s0.shLink(), Integer.MAX_VALUE);
    }
    if (phnum > 0) {
      checkRange(
          phoff,
          (long) phnum * ElfRecord.PHDR.in(elfClass).size(),
          eh.offset("e_phoff"),
          "e_phoff",
          "program header table (" + phnum + " entries)");
    }
    if (shnum > 0) {
      checkRange(
          shoff,
          (long) shnum * ElfRecord.SHDR.in(elfClass).size(),
          eh.offset("e_shoff"),
          "e_shoff",
          "section header table (" + shnum + " entries)");
      if (shstrndx != SHN_UNDEF && shstrndx >= shnum) {
        throw error(
            eh.offset("e_shstrndx"),
            "e_shstrndx",
            String.format("section index %d, but there are only %d sections", shstrndx, shnum));
      }
    }
    return new ElfHeader(
        elfClass,
        buf.get(5),
        buf.get(7) & 0xff,
        h.eType(),
        h.eMachine(),
        h.eEntry(),
        phoff,
        shoff,
        h.eFlags(),
        h.eEhsize(),
        phentsize,
        phnum,
        shentsize,
        shnum,
        shstrndx);
  }

  private void checkIdent() {
    if (size == 0) {
      throw new NotElfException(file, "empty file (0 bytes), not an ELF file");
    }
    int n = (int) Math.min(4, size);
    byte[] magic = {0x7f, 'E', 'L', 'F'};
    for (int i = 0; i < n; i++) {
      if (buf.get(i) != magic[i]) {
        StringBuilder found = new StringBuilder();
        for (int j = 0; j < n; j++) found.append(String.format("%02x ", buf.get(j) & 0xff));
        throw new NotElfException(
            file,
            "not an ELF file: starts with " + found.toString().trim() + ", expected 7f 45 4c 46");
      }
    }
    if (size < EI_NIDENT) {
      throw error(
          size,
          "e_ident",
          String.format("file ends at 0x%x inside the 16-byte ELF identification", size));
    }
    int cls = buf.get(4) & 0xff;
    if (cls != ELFCLASS32 && cls != ELFCLASS64) {
      throw error(
          4, "e_ident[EI_CLASS]", "expected 1 (ELFCLASS32) or 2 (ELFCLASS64), found " + cls);
    }
    int data = buf.get(5) & 0xff;
    if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
      throw error(
          5, "e_ident[EI_DATA]", "expected 1 (ELFDATA2LSB) or 2 (ELFDATA2MSB), found " + data);
    }
    int version = buf.get(6) & 0xff;
    if (version != EV_CURRENT) {
      throw error(6, "e_ident[EI_VERSION]", "expected 1 (EV_CURRENT), found " + version);
    }
  }

  List<ElfSegment> readSegments(ElfHeader h) {
    List<ElfSegment> out = new ArrayList<>(h.phnum());
    for (int i = 0; i < h.phnum(); i++) {
      long at = h.phoff() + (long) i * h.phentsize();
      EndianElf.ProgramHeader p = programHeader(at);
      ElfSegment s =
          new ElfSegment(
              i,
              p.pType(),
              p.pFlags().intValue(),
              p.pOffset(),
              p.pVaddr(),
              p.pPaddr(),
              p.pFilesz(),
              p.pMemsz(),
              p.pAlign());
      if (s.filesz() != 0) {
        checkRange(
            s.offset(),
            s.filesz(),
            at + ElfRecord.PHDR.in(h).offset("p_offset"),
            "segment " + i + " p_offset",
            "segment " + i + " (" + ElfNames.segmentType(s.type()) + ") file range");
      }
      out.add(s);
    }
    return List.copyOf(out);
  }

  List<ElfSection> readSections(ElfHeader h) {
    if (h.shnum() == 0) {
      return List.of();
    }
    List<EndianElf.SectionHeader> raw = new ArrayList<>(h.shnum());
    for (int i = 0; i < h.shnum(); i++) {
      long at = h.shoff() + (long) i * h.shentsize();
      EndianElf.SectionHeader s = sectionHeader(at);
      if (s.shType() != SHT_NOBITS && s.shType() != SHT_NULL) {
        checkRange(
            s.shOffset(),
            s.shSize(),
            at + ElfRecord.SHDR.in(h).offset("sh_offset"),
            "section " + i + " sh_offset",
            "section " + i + " file range");
      }
      raw.add(s);
    }
    StringTable names = null;
    if (h.shstrndx() != SHN_UNDEF) {
      EndianElf.SectionHeader st = raw.get(h.shstrndx());
      names = stringTable(st, "the section name table (section " + h.shstrndx() + ")");
    }
    List<ElfSection> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      EndianElf.SectionHeader s = raw.get(i);
      long at = h.shoff() + (long) i * h.shentsize();
      String name = names == null ? "" : names.get(s.shName(), "section " + i + " sh_name", at);
      out.add(
          new ElfSection(
              i,
              name,
              s.shType(),
              s.shFlags(),
              s.shAddr(),
              s.shOffset(),
              s.shSize(),
              s.shLink(),
              s.shInfo(),
              s.shAddralign(),
              s.shEntsize()));
    }
    return List.copyOf(out);
  }

  /** The table as a view after checking sh_entsize and sh_link; see {@link ElfSymbolTable}. */
  ElfSymbolTable symbolTable(ElfHeader h, List<ElfSection> sections, ElfSection table) {
    StringTable strings = symbolStrings(h, sections, table);
    int entsize = ElfRecord.SYM.in(h).size();
    long size = table.size() - table.size() % entsize;
    return new ElfSymbolTable(slice(table.offset(), size), strings, h.is64(), h.isLittleEndian());
  }

  private StringTable symbolStrings(ElfHeader h, List<ElfSection> sections, ElfSection table) {
    int entsize = ElfRecord.SYM.in(h).size();
    long fieldAt = h.shoff() + (long) table.index() * h.shentsize();
    if (table.entsize() != entsize) {
      throw error(
          fieldAt + ElfRecord.SHDR.in(h).offset("sh_entsize"),
          "section " + table.index() + " (" + table.name() + ") sh_entsize",
          String.format("expected %d for a symbol table, found %d", entsize, table.entsize()));
    }
    if (table.link() <= 0
        || table.link() >= sections.size()
        || !sections.get((int) table.link()).hasFileData()) {
      throw error(
          fieldAt + ElfRecord.SHDR.in(h).offset("sh_link"),
          "section " + table.index() + " (" + table.name() + ") sh_link",
          "expected the index of a string table section, found " + table.link());
    }
    ElfSection strSection = sections.get((int) table.link());
    return new StringTable(
        file,
        slice(strSection.offset(), strSection.size()),
        strSection.offset(),
        strSection.name() + " (section " + strSection.index() + ")");
  }

  List<ElfSymbol> readSymbols(ElfHeader h, List<ElfSection> sections, ElfSection table) {
    int entsize = ElfRecord.SYM.in(h).size();
    StringTable strings = symbolStrings(h, sections, table);
    int count = (int) (table.size() / entsize);
    List<ElfSymbol> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long at = table.offset() + (long) i * entsize;
      io.seek(at);
      EndianElf.Symbol s = new EndianElf.Symbol(io, root.header(), root, le);
      String name = strings.get(s.stName(), table.name() + " symbol " + i + " st_name", at);
      out.add(
          new ElfSymbol(
              name,
              s.stValue(),
              s.stSize(),
              s.stInfo() & 0xf,
              s.stInfo() >>> 4,
              s.stOther() & 0x3,
              s.stShndx()));
    }
    return List.copyOf(out);
  }

  List<ElfDynamicEntry> readDynamic(ElfHeader h, long offset, long length) {
    int entsize = ElfRecord.DYN.in(h).size();
    List<ElfDynamicEntry> out = new ArrayList<>();
    for (long at = offset; at + entsize <= offset + length; at += entsize) {
      io.seek(at);
      EndianElf.DynamicEntry d = new EndianElf.DynamicEntry(io, root.header(), root, le);
      long tag = d.dTag();
      if (tag == DT_NULL) break;
      out.add(new ElfDynamicEntry(tag, d.dVal()));
    }
    return List.copyOf(out);
  }

  List<ElfNote> readNotes(long offset, long length, long align) {
    long a = align == 8 ? 8 : 4;
    List<ElfNote> out = new ArrayList<>();
    long at = offset;
    long end = offset + length;
    while (end - at >= 12) {
      io.seek(at);
      EndianElf.NoteHeader n = new EndianElf.NoteHeader(io, root.header(), root, le);
      long nameAt = at + 12;
      long descAt = nameAt + alignUp(n.nNamesz(), 4);
      long next = descAt + alignUp(n.nDescsz(), a);
      if (n.nNamesz() > length || n.nDescsz() > length || descAt + n.nDescsz() > end) {
        throw error(
            at,
            "note n_namesz/n_descsz",
            String.format(
                "name 0x%x + descriptor 0x%x bytes do not fit in the note area ending at 0x%x",
                n.nNamesz(), n.nDescsz(), end));
      }
      String name =
          n.nNamesz() == 0
              ? ""
              : new StringTable(file, slice(nameAt, n.nNamesz()), nameAt, "note name")
                  .get(0, "note name", nameAt);
      ByteBuffer desc =
          slice(descAt, n.nDescsz()).order(le ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
      out.add(new ElfNote(name, n.nType(), desc));
      at = next;
    }
    return List.copyOf(out);
  }

  private static long alignUp(long v, long a) {
    return (v + a - 1) & -a;
  }

  ByteBuffer slice(long offset, long length) {
    return buf.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN);
  }

  private StringTable stringTable(EndianElf.SectionHeader s, String what) {
    long off = s.shOffset();
    long len = s.shSize();
    // Only sections with file data had their range checked (readSections); the gABI leaves the
    // other fields of a SHT_NULL section undefined, so it holds no names, like SHT_NOBITS.
    if (s.shType() == SHT_NOBITS || s.shType() == SHT_NULL) {
      return new StringTable(file, ByteBuffer.allocate(0), off, what);
    }
    return new StringTable(file, slice(off, len), off, what);
  }

  private EndianElf.SectionHeader sectionHeader(long at) {
    io.seek(at);
    return new EndianElf.SectionHeader(io, root.header(), root, le);
  }

  private EndianElf.ProgramHeader programHeader(long at) {
    io.seek(at);
    return new EndianElf.ProgramHeader(io, root.header(), root, le);
  }

  private void expectEntsize(int actual, int expected, long fieldAt, String field) {
    if (actual != expected) {
      throw error(fieldAt, field, String.format("expected %d, found %d", expected, actual));
    }
  }

  /** Fails unless [offset, offset+length) lies inside the file; both are unsigned. */
  private void checkRange(long offset, long length, long fieldAt, String field, String what) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw error(
          fieldAt,
          field,
          String.format(
              "%s 0x%s+0x%s extends past end of file 0x%x",
              what, Long.toUnsignedString(offset, 16), Long.toUnsignedString(length, 16), size));
    }
  }

  private static long unsignedOrMax(long v) {
    return v < 0 ? Long.MAX_VALUE : v;
  }

  private ElfFormatException error(long offset, String field, String problem) {
    return new ElfFormatException(file, offset, field, problem);
  }
}
