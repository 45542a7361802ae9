package dev.a64patch.core.batch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of a Unix {@code ar} archive (static libraries, {@code .a}), read in place from a
 * mapped file: the System V/GNU layout (8-byte {@code !<arch>\n} magic, 60-byte member headers,
 * data padded to an even offset, the {@code //} long-name table and {@code /NNN} references) and
 * BSD long names ({@code #1/LEN}, the name leading the data). The symbol index ({@code /}, {@code
 * /SYM64/}, {@code __.SYMDEF}) is skipped. Thin archives ({@code !<thin>\n}) hold no member bytes;
 * they are recognised so that the caller can say so.
 */
final class ArArchive {
  static final int MAGIC_LENGTH = 8;
  private static final byte[] MAGIC = "!<arch>\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] THIN = "!<thin>\n".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = 60;

  /** One member: its name, and where its bytes lie in the archive. */
  record Member(String name, long offset, long size) {}

  /** A damaged archive: the message names the offset and what is wrong. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private ArArchive() {}

  static boolean isAr(byte[] head, int n) {
    return startsWith(head, n, MAGIC);
  }

  static boolean isThin(byte[] head, int n) {
    return startsWith(head, n, THIN);
  }

  private static boolean startsWith(byte[] head, int n, byte[] magic) {
    if (n < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (head[i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The members in archive order. Names that occur more than once (ar allows it) get {@code ;2},
   * {@code ;3} ... appended, so that every member has its own report path.
   */
  static List<Member> members(ByteBuffer archive) throws Malformed {
    long size = archive.limit();
    List<Member> out = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    String longNames = null;
    long at = MAGIC_LENGTH;
    while (at + HEADER <= size) {
      String header = ascii(archive, at, HEADER);
      if (header.charAt(58) != '`' || header.charAt(59) != '\n') {
        throw new Malformed(String.format("member header at offset 0x%x: bad terminator", at));
      }
      long length = decimal(header.substring(48, 58), at);
      long data = at + HEADER;
      if (length > size - data) {
        throw new Malformed(
            String.format(
                "member at offset 0x%x: size %d runs past the end of the archive (0x%x)",
                at, length, size));
      }
      String raw = header.substring(0, 16).stripTrailing();
      long skip = 0;
      String name;
      if (raw.equals("/") || raw.equals("/SYM64/") || raw.startsWith("__.SYMDEF")) {
        name = null; // symbol index
      } else if (raw.equals("//")) {
        longNames = ascii(archive, data, (int) Math.min(length, Integer.MAX_VALUE));
        name = null;
      } else if (raw.startsWith("#1/")) {
        skip = decimal(raw.substring(3), at);
        if (skip > length) {
          throw new Malformed(String.format("member at offset 0x%x: BSD name longer than it", at));
        }
        name = ascii(archive, data, (int) skip).replace("\0", "");
      } else if (raw.startsWith("/") && raw.length() > 1) {
        name = longName(longNames, decimal(raw.substring(1), at), at);
      } else {
        name = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
      }
      if (name != null) {
        int count = seen.merge(name, 1, Integer::sum);
        out.add(new Member(count == 1 ? name : name + ";" + count, data + skip, length - skip));
      }
      at = data + length + (length & 1);
    }
    return out;
  }

  private static String longName(String table, long index, long at) throws Malformed {
    if (table == null || index >= table.length()) {
      throw new Malformed(
          String.format("member at offset 0x%x: long name %d not in the // table", at, index));
    }
    int end = table.indexOf('\n', (int) index);
    String name = table.substring((int) index, end < 0 ? table.length() : end);
    return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
  }

  private static long decimal(String field, long at) throws Malformed {
    String t = field.trim();
    if (t.isEmpty() || t.length() > 12 || !t.chars().allMatch(Character::isDigit)) {
      throw new Malformed(
          String.format("member header at offset 0x%x: '%s' is not a decimal size", at, t));
    }
    return Long.parseLong(t);
  }

  private static String ascii(ByteBuffer b, long at, int length) {
    byte[] bytes = new byte[length];
    b.get((int) at, bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
