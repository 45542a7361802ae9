package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

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

  /** The library's bytes: ELF64 AArch64, little-endian unless {@code littleEndian} is false. */
  public static byte[] bytes(boolean littleEndian) {
    int cls = ELFCLASS64;
    ElfRecord.Format ehdr = ElfRecord.EHDR.in(cls);
    ElfRecord.Format phdr = ElfRecord.PHDR.in(cls);
    ElfRecord.Format shdr = ElfRecord.SHDR.in(cls);
    ElfRecord.Format sym = ElfRecord.SYM.in(cls);
    ElfRecord.Format dyn = ElfRecord.DYN.in(cls);
    byte[] dynstr = strings("", SONAME, SYMBOL);
    byte[] shstrtab = strings("", ".hash", ".dynsym", ".dynstr", ".dynamic", ".data", ".shstrtab");
    int phnum = 3;
    long hashAt = align(ehdr.size() + (long) phnum * phdr.size(), 8);
    long hashSize = 5 * 4; // nbucket, nchain, bucket[0], chain[0], chain[1]
    long dynsymAt = align(hashAt + hashSize, 8);
    long dynstrAt = dynsymAt + 2L * sym.size();
    long dynamicAt = align(dynstrAt + dynstr.length, 8);
    int dynCount = 7;
    long dataAt = align(dynamicAt + (long) dynCount * dyn.size(), DATA_ALIGN);
    long loadEnd = dataAt + 8;
    long shstrtabAt = loadEnd;
    long shoff = align(shstrtabAt + shstrtab.length, 8);
    int shnum = 7;
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
    ehdr.put(b, 0, "e_shstrndx", shnum - 1);

    int at = ehdr.size();
    // One RW PT_LOAD over everything the loader reads (the headers, the dynamic tables and the
    // counter); PT_GNU_STACK so that glibc does not make the process stack executable.
    segment(b, phdr, at, PT_LOAD, PF_R | PF_W, 0, loadEnd, LOAD_ALIGN);
    segment(b, phdr, at += phdr.size(), PT_DYNAMIC, PF_R | PF_W, dynamicAt, dynCount * 16L, 8);
    segment(b, phdr, at += phdr.size(), PT_GNU_STACK, PF_R | PF_W, 0, 0, 16);

    // SysV hash: one bucket holding symbol 1, whose chain ends at once.
    b.putInt((int) hashAt, 1).putInt((int) hashAt + 4, 2).putInt((int) hashAt + 8, 1);
    int s1 = (int) dynsymAt + sym.size();
    sym.put(b, s1, "st_name", 1 + SONAME.length() + 1);
    sym.put(b, s1, "st_info", STB_GLOBAL << 4 | STT_OBJECT);
    sym.put(b, s1, "st_shndx", 5);
    sym.put(b, s1, "st_value", dataAt);
    sym.put(b, s1, "st_size", 8);
    b.put((int) dynstrAt, dynstr);

    long[][] dynamic = {
      {DT_HASH, hashAt},
      {DT_STRTAB, dynstrAt},
      {DT_SYMTAB, dynsymAt},
      {DT_STRSZ, dynstr.length},
      {DT_SYMENT, sym.size()},
      {DT_SONAME, 1},
      {DT_NULL, 0}
    };
    for (int i = 0; i < dynamic.length; i++) {
      int e = (int) dynamicAt + i * dyn.size();
      dyn.put(b, e, "d_tag", dynamic[i][0]);
      dyn.put(b, e, "d_val", dynamic[i][1]);
    }
    b.putLong((int) dataAt, Trampolines.COUNTER_START);
    b.put((int) shstrtabAt, shstrtab);

    int sh = (int) shoff + shdr.size(); // section 0 stays all zeros
    section(b, shdr, sh, 1, SHT_HASH, SHF_ALLOC, hashAt, hashSize, 2, 0, 4, 4);
    sh += shdr.size();
    section(b, shdr, sh, 7, SHT_DYNSYM, SHF_ALLOC, dynsymAt, 2L * sym.size(), 3, 1, 8, sym.size());
    sh += shdr.size();
    section(b, shdr, sh, 15, SHT_STRTAB, SHF_ALLOC, dynstrAt, dynstr.length, 0, 0, 1, 0);
    sh += shdr.size();
    section(
        b,
        shdr,
        sh,
        23,
        SHT_DYNAMIC,
        SHF_ALLOC | SHF_WRITE,
        dynamicAt,
        (long) dynCount * dyn.size(),
        3,
        0,
        8,
        dyn.size());
    sh += shdr.size();
    section(b, shdr, sh, 32, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, dataAt, 8, 0, 0, DATA_ALIGN, 0);
    sh += shdr.size();
    section(b, shdr, sh, 38, SHT_STRTAB, 0, -1, shstrtab.length, 0, 0, 1, 0);
    shdr.put(b, sh, "sh_offset", shstrtabAt);
    shdr.put(b, sh, "sh_addr", 0);
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

  /** A section whose file offset equals its address (everything here is mapped at offset 0). */
  private static void section(
      ByteBuffer b,
      ElfRecord.Format shdr,
      int at,
      int name,
      long type,
      long flags,
      long addr,
      long size,
      int link,
      int info,
      long align,
      long entsize) {
    shdr.put(b, at, "sh_name", name);
    shdr.put(b, at, "sh_type", type);
    shdr.put(b, at, "sh_flags", flags);
    shdr.put(b, at, "sh_addr", Math.max(addr, 0));
    shdr.put(b, at, "sh_offset", Math.max(addr, 0));
    shdr.put(b, at, "sh_size", size);
    shdr.put(b, at, "sh_link", link);
    shdr.put(b, at, "sh_info", info);
    shdr.put(b, at, "sh_addralign", align);
    shdr.put(b, at, "sh_entsize", entsize);
  }

  private static byte[] strings(String... names) {
    StringBuilder s = new StringBuilder();
    for (String n : names) {
      s.append(n).append('\0');
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static long align(long v, long a) {
    return (v + a - 1) / a * a;
  }
}
