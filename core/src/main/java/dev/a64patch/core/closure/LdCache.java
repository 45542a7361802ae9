package dev.a64patch.core.closure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /etc/ld.so.cache}, as written by ldconfig: the "new" format of glibc 2.32 and later
 * ({@code glibc-ld.so.cache1.1}), alone or after an old-format ({@code ld.so-1.7.0}) table. Layout
 * of the new format (little-endian on aarch64): a 48-byte header (magic and version, 20 bytes;
 * nlibs u32; len_strings u32; flags u8 and 3 bytes of padding; extension_offset u32; 3 unused u32),
 * then nlibs 24-byte entries (flags i32, key u32, value u32, osversion u32, hwcap u64). Key and
 * value are offsets of NUL-terminated strings (the soname and the path), counted from the start of
 * the new-format header.
 */
public final class LdCache {
  static final String OLD_MAGIC = "ld.so-1.7.0";
  static final String NEW_MAGIC = "glibc-ld.so.cache1.1";
  static final int NEW_HEADER = 48;
  static final int NEW_ENTRY = 24;
  static final int OLD_ENTRY = 12;

  /**
   * The entry flags glibc's aarch64 loader accepts ({@code _DL_CACHE_DEFAULT_ID}:
   * FLAG_AARCH64_LIB64 0x0a00 | FLAG_ELF_LIBC6 0x0003); entries of other ABIs are ignored.
   */
  public static final int AARCH64_LIB64 = 0x0a03;

  /** One entry: the name the loader asks for, the file, and the ABI flags. */
  public record Entry(int flags, String name, String path, long hwcap) {}

  private final List<Entry> entries;

  private LdCache(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * The path the aarch64 loader takes for {@code name}: the first entry with that name, aarch64
   * flags and no hwcap subdirectory requirement (entries are sorted by ldconfig, best first).
   */
  public Optional<String> lookup(String name) {
    for (Entry e : entries) {
      if (e.name().equals(name) && e.flags() == AARCH64_LIB64 && e.hwcap() == 0) {
        return Optional.of(e.path());
      }
    }
    return Optional.empty();
  }

  /** Reads a cache file; empty when it does not exist. */
  public static Optional<LdCache> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(parse(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString()));
  }

  /**
   * Parses cache bytes.
   *
   * @throws CacheFormatException when the bytes are no ld.so.cache of the new format
   */
  public static LdCache parse(ByteBuffer bytes, String name) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int start = 0;
    if (startsWith(b, 0, OLD_MAGIC)) {
      // Old table: magic (11 bytes, padded to 12), nlibs, 12-byte entries; the new header follows,
      // aligned to 8.
      need(b, 16, name, "old-format header");
      long n = Integer.toUnsignedLong(b.getInt(12));
      long end = 16 + n * OLD_ENTRY;
      start = (int) Math.min((end + 7) & ~7L, Integer.MAX_VALUE);
    }
    if (!startsWith(b, start, NEW_MAGIC)) {
      throw new CacheFormatException(
          name, "not an ld.so.cache of the glibc 2.32+ format (no " + NEW_MAGIC + " header)");
    }
    need(b, start + NEW_HEADER, name, "header");
    long nlibs = Integer.toUnsignedLong(b.getInt(start + 20));
    long table = start + NEW_HEADER;
    if (nlibs > (b.limit() - table) / NEW_ENTRY) {
      throw new CacheFormatException(
          name,
          String.format(
              "%d entries at offset 0x%x do not fit in %d bytes", nlibs, table, b.limit()));
    }
    List<Entry> out = new ArrayList<>((int) nlibs);
    for (int i = 0; i < nlibs; i++) {
      int at = (int) table + i * NEW_ENTRY;
      int flags = b.getInt(at);
      String key = string(b, start, b.getInt(at + 4), name);
      String value = string(b, start, b.getInt(at + 8), name);
      out.add(new Entry(flags, key, value, b.getLong(at + 16)));
    }
    return new LdCache(out);
  }

  private static String string(ByteBuffer b, int base, int offset, String name) {
    long at = base + Integer.toUnsignedLong(offset);
    if (at >= b.limit()) {
      throw new CacheFormatException(
          name, String.format("string offset 0x%x past the end of the file", at));
    }
    int end = (int) at;
    while (end < b.limit() && b.get(end) != 0) {
      end++;
    }
    if (end == b.limit()) {
      throw new CacheFormatException(
          name, String.format("string at 0x%x has no terminating NUL", at));
    }
    byte[] s = new byte[end - (int) at];
    b.get((int) at, s);
    return new String(s, StandardCharsets.UTF_8);
  }

  private static boolean startsWith(ByteBuffer b, int at, String magic) {
    if (at < 0 || b.limit() - at < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (b.get(at + i) != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static void need(ByteBuffer b, long end, String name, String what) {
    if (end > b.limit()) {
      throw new CacheFormatException(
          name,
          String.format("%s ends at 0x%x, past the end of the file (0x%x)", what, end, b.limit()));
    }
  }

  /** A damaged or unknown cache file. The loader ignores such a cache; so does the resolver. */
  public static final class CacheFormatException
      extends dev.a64patch.core.failure.A64PatchException {
    private static final long serialVersionUID = 1L;

    CacheFormatException(String file, String reason) {
      super(dev.a64patch.core.failure.FailureKind.BAD_INPUT, file, reason, null);
    }
  }
}
