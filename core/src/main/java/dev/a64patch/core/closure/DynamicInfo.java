package dev.a64patch.core.closure;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfDynamicEntry;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfFormatException;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the dynamic linker reads from one object to load its dependencies: PT_INTERP, DT_NEEDED,
 * DT_SONAME, DT_RPATH, DT_RUNPATH and DF_1_NODEFLIB.
 *
 * @param mismatch why glibc's loader on aarch64 would pass over this file while searching (another
 *     class, byte order or machine), or null when it is a candidate
 * @param interp the PT_INTERP path, or null
 * @param soname DT_SONAME, or null
 * @param rpath DT_RPATH as written (a colon-separated list), or null
 * @param runpath DT_RUNPATH as written, or null
 * @param nodeflib DF_1_NODEFLIB: the cache and the default directories are not searched for the
 *     object's own dependencies ({@code -z nodeflib})
 */
public record DynamicInfo(
    String mismatch,
    String interp,
    String soname,
    List<String> needed,
    String rpath,
    String runpath,
    boolean nodeflib) {

  public DynamicInfo {
    needed = List.copyOf(needed);
  }

  /** A file the loader skips while searching, with the reason. */
  public static DynamicInfo mismatched(String reason) {
    return new DynamicInfo(reason, null, null, List.of(), null, null, false);
  }

  public boolean compatible() {
    return mismatch == null;
  }

  /**
   * Reads the loader's view of {@code elf}. Files of another class, byte order or machine are
   * {@link #mismatched}: glibc's {@code open_verify} skips them and keeps searching.
   *
   * @throws ElfFormatException when a dynamic string lies outside the file
   */
  public static DynamicInfo of(ElfFile elf) {
    var h = elf.header();
    if (!h.is64()) {
      return mismatched("ELFCLASS32, not ELFCLASS64");
    }
    if (!h.isLittleEndian()) {
      return mismatched("big-endian");
    }
    if (h.machine() != EM_AARCH64) {
      return mismatched("machine " + h.machine() + ", not AArch64 (183)");
    }
    String interp = interp(elf).orElse(null);
    List<ElfDynamicEntry> dyn = elf.dynamic();
    Strings strings = Strings.of(elf, dyn);
    List<String> needed = new ArrayList<>();
    String soname = null;
    String rpath = null;
    String runpath = null;
    boolean nodeflib = false;
    for (ElfDynamicEntry e : dyn) {
      if (e.tag() == DT_NEEDED) {
        needed.add(strings.at(e.value(), "DT_NEEDED"));
      } else if (e.tag() == DT_SONAME) {
        soname = strings.at(e.value(), "DT_SONAME");
      } else if (e.tag() == DT_RPATH) {
        rpath = strings.at(e.value(), "DT_RPATH");
      } else if (e.tag() == DT_RUNPATH) {
        runpath = strings.at(e.value(), "DT_RUNPATH");
      } else if (e.tag() == DT_FLAGS_1) {
        nodeflib = (e.value() & DF_1_NODEFLIB) != 0;
      }
    }
    return new DynamicInfo(null, interp, soname, needed, rpath, runpath, nodeflib);
  }

  private static Optional<String> interp(ElfFile elf) {
    for (ElfSegment s : elf.segments()) {
      if (s.type() == PT_INTERP) {
        if (s.offset() > elf.size() || s.filesz() > elf.size() - s.offset()) {
          throw new ElfFormatException(
              elf.name(), s.offset(), "PT_INTERP", "lies outside the file");
        }
        return Optional.of(cString(elf.slice(s.offset(), s.filesz()), 0));
      }
    }
    return Optional.empty();
  }

  private static String cString(ByteBuffer b, int start) {
    int end = start;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    byte[] out = new byte[end - start];
    b.get(start, out);
    return new String(out, StandardCharsets.UTF_8);
  }

  /** The dynamic string table, located through DT_STRTAB (an address) and DT_STRSZ. */
  private record Strings(ElfFile elf, long offset, long size) {
    static Strings of(ElfFile elf, List<ElfDynamicEntry> dyn) {
      long strtab = -1;
      long size = 0;
      for (ElfDynamicEntry e : dyn) {
        if (e.tag() == DT_STRTAB) {
          strtab = e.value();
        } else if (e.tag() == DT_STRSZ) {
          size = e.value();
        }
      }
      if (strtab < 0) {
        return new Strings(elf, -1, 0);
      }
      long addr = strtab;
      long offset =
          elf.offsetOf(addr)
              .orElseThrow(
                  () ->
                      new ElfFormatException(
                          elf.name(),
                          0,
                          "DT_STRTAB",
                          String.format("address 0x%x is not in any PT_LOAD", addr)));
      size = Math.min(size, elf.size() - offset);
      return new Strings(elf, offset, size);
    }

    String at(long index, String tag) {
      if (offset < 0 || index < 0 || index >= size) {
        throw new ElfFormatException(
            elf.name(),
            Math.max(offset, 0),
            tag,
            String.format("string index 0x%x is outside DT_STRTAB (size 0x%x)", index, size));
      }
      return cString(elf.slice(offset, size), (int) index);
    }
  }
}
