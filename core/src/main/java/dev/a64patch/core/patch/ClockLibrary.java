package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The runtime library that gives a process one virtual clock (docs/strategies.md, "One clock per
 * process"): a shared object of a few hundred bytes that defines the 8-byte counter {@value
 * #SYMBOL}, found by the dynamic linker through a one-bucket SysV hash table. Every object patched
 * with the counter strategy imports that symbol weakly; preloading this library (LD_PRELOAD, or
 * {@code a64patch prepare}) binds all of them to the same counter. It has no code, no dependencies
 * and no relocations, so it loads into any AArch64 glibc process.
 */
public final class ClockLibrary {
  /** The symbol patched objects import and this library defines. */
  public static final String SYMBOL = "__a64patch_clock_v1";

  /** The library's DT_SONAME and the file name {@code prepare} gives it. */
  public static final String SONAME = "liba64patch-clock.so";

  private static final long DATA_ALIGN = 64; // the counter on a cache line of its own
  private static final long LOAD_ALIGN = 0x10000;

  private ClockLibrary() {}

  /**
   * True when {@code elf} imports {@link #SYMBOL}, as every object patched with the counter
   * strategy does (in place or as a copy): it binds to this library when the library is loaded.
   */
  public static boolean isImportedBy(ElfFile elf) {
    return elf.dynamicSymbols().stream()
        .anyMatch(s -> s.shndx() == SHN_UNDEF && SYMBOL.equals(s.name()));
  }

  /** Writes the library to {@code file} atomically (temporary file, sync, rename). */
  public static void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes(true));
        while (b.hasRemaining()) {
          out.write(b);
        }
        out.force(true);
      }
      tmp.toFile().setExecutable(true, false);
      tmp.toFile().setReadable(true, false);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Section indexes: 0 is the null section. */
  private static final int HASH = 1, DYNSYM = 2, DYNSTR = 3, DYNAMIC = 4, DATA = 5, SHSTRTAB = 6;

  /** The library's bytes: ELF64 AArch64, little-endian unless {@code littleEndian} is false. */
  public static byte[] bytes(boolean littleEndian) {
    int cls = ELFCLASS64;
    ElfRecord.Format ehdr = ElfRecord.EHDR.in(cls);
    ElfRecord.Format phdr = ElfRecord.PHDR.in(cls);
    ElfRecord.Format shdr = ElfRecord.SHDR.in(cls);
    ElfRecord.Format sym = ElfRecord.SYM.in(cls);
    ElfRecord.Format dyn = ElfRecord.DYN.in(cls);
    Strings dynstr = new Strings();
    long soname = dynstr.add(SONAME);
    long symbol = dynstr.add(SYMBOL);
    Strings shstrtab = new Strings();

    // Layout: headers, then the tables the loader reads, then the counter on its own line; one
    // RW PT_LOAD maps all of it at offset = address. The section names and headers follow.
    int phnum = 3;
    long hashAt = align(ehdr.size() + (long) phnum * phdr.size(), 8);
    int[] hash = {1, 2, 1, 0, 0}; // nbucket 1, nchain 2, bucket[0] = symbol 1, chains end at once
    long hashSize = 4L * hash.length;
    long dynsymAt = align(hashAt + hashSize, 8);
    long dynstrAt = dynsymAt + 2L * sym.size();
    long dynamicAt = align(dynstrAt + dynstr.size(), 8);
    long[][] dynamic = {
      {DT_HASH, hashAt},
      {DT_STRTAB, dynstrAt},
      {DT_SYMTAB, dynsymAt},
      {DT_STRSZ, dynstr.size()},
      {DT_SYMENT, sym.size()},
      {DT_SONAME, soname},
      {DT_NULL, 0}
    };
    long dynamicSize = (long) dynamic.length * dyn.size();
    long dataAt = align(dynamicAt + dynamicSize, DATA_ALIGN);
    long loadEnd = dataAt + 8;
    long shstrtabAt = loadEnd;
    long[] name = new long[SHSTRTAB + 1];
    String[] names = {"", ".hash", ".dynsym", ".dynstr", ".dynamic", ".data", ".shstrtab"};
    for (int i = 1; i < names.length; i++) {
      name[i] = shstrtab.add(names[i]);
    }
    // Allocated sections lie at offset = address (one PT_LOAD maps the file from offset 0).
    SectionHeader[] sections = {
      new SectionHeader(name[HASH], SHT_HASH, SHF_ALLOC, hashAt, hashAt, hashSize, DYNSYM, 0, 4, 4),
      new SectionHeader(
          name[DYNSYM],
          SHT_DYNSYM,
          SHF_ALLOC,
          dynsymAt,
          dynsymAt,
          2L * sym.size(),
          DYNSTR,
          1,
          8,
          sym.size()),
      SectionHeader.of(name[DYNSTR], SHT_STRTAB, SHF_ALLOC, dynstrAt, dynstrAt, dynstr.size(), 1),
      new SectionHeader(
          name[DYNAMIC],
          SHT_DYNAMIC,
          SHF_ALLOC | SHF_WRITE,
          dynamicAt,
          dynamicAt,
          dynamicSize,
          DYNSTR,
          0,
          8,
          dyn.size()),
      SectionHeader.of(
          name[DATA], SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, dataAt, dataAt, 8, DATA_ALIGN),
      SectionHeader.of(name[SHSTRTAB], SHT_STRTAB, 0, 0, shstrtabAt, shstrtab.size(), 1)
    };
    long shoff = align(shstrtabAt + shstrtab.size(), 8);
    int shnum = sections.length + 1;
    ByteBuffer b =
        ByteBuffer.allocate((int) (shoff + (long) shnum * shdr.size()))
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);

    b.put(0, new byte[] {0x7f, 'E', 'L', 'F', (byte) cls, (byte) (littleEndian ? 1 : 2), 1});
    ehdr.put(b, 0, "e_type", ET_DYN);
    ehdr.put(b, 0, "e_machine", EM_AARCH64);
    ehdr.put(b, 0, "e_version", 1);
    ehdr.put(b, 0, "e_phoff", ehdr.size());
    ehdr.put(b, 0, "e_shoff", shoff);
    ehdr.put(b, 0, "e_ehsize", ehdr.size());
    ehdr.put(b, 0, "e_phentsize", phdr.size());
    ehdr.put(b, 0, "e_phnum", phnum);
    ehdr.put(b, 0, "e_shentsize", shdr.size());
    ehdr.put(b, 0, "e_shnum", shnum);
    ehdr.put(b, 0, "e_shstrndx", SHSTRTAB);

    // PT_GNU_STACK so that glibc does not make the process stack executable.
    int at = ehdr.size();
    segment(b, phdr, at, PT_LOAD, PF_R | PF_W, 0, loadEnd, LOAD_ALIGN);
    segment(b, phdr, at += phdr.size(), PT_DYNAMIC, PF_R | PF_W, dynamicAt, dynamicSize, 8);
    segment(b, phdr, at += phdr.size(), PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);

    for (int i = 0; i < hash.length; i++) {
      b.putInt((int) hashAt + 4 * i, hash[i]); // Elf64_Word entries
    }
    int s1 = (int) dynsymAt + sym.size(); // symbol 0 stays all zeros
    sym.put(b, s1, "st_name", symbol);
    sym.put(b, s1, "st_info", STB_GLOBAL << 4 | STT_OBJECT);
    sym.put(b, s1, "st_shndx", DATA);
    sym.put(b, s1, "st_value", dataAt);
    sym.put(b, s1, "st_size", 8);
    b.put((int) dynstrAt, dynstr.bytes());
    for (int i = 0; i < dynamic.length; i++) {
      int e = (int) dynamicAt + i * dyn.size();
      dyn.put(b, e, "d_tag", dynamic[i][0]);
      dyn.put(b, e, "d_val", dynamic[i][1]);
    }
    b.putLong((int) dataAt, Trampolines.COUNTER_START);
    b.put((int) shstrtabAt, shstrtab.bytes());

    for (int i = 0; i < sections.length; i++) { // section header 0 stays all zeros
      sections[i].put(shdr, b, (int) shoff + (i + 1) * shdr.size());
    }
    return b.array();
  }

  private static void segment(
      ByteBuffer b,
      ElfRecord.Format phdr,
      int at,
      long type,
      int flags,
      long offset,
      long size,
      long align) {
    phdr.put(b, at, "p_type", type);
    phdr.put(b, at, "p_flags", flags);
    phdr.put(b, at, "p_offset", offset);
    phdr.put(b, at, "p_vaddr", offset);
    phdr.put(b, at, "p_paddr", offset);
    phdr.put(b, at, "p_filesz", size);
    phdr.put(b, at, "p_memsz", size);
    phdr.put(b, at, "p_align", align);
  }

  /** A string table: an empty string first, then each name NUL-terminated. */
  private static final class Strings {
    private final StringBuilder s = new StringBuilder("\0");

    /** The index of {@code name}, added at the end. */
    long add(String name) {
      long at = s.length();
      s.append(name).append('\0');
      return at;
    }

    long size() {
      return s.length();
    }

    byte[] bytes() {
      return s.toString().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private static long align(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
