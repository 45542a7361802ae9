package dev.a64patch.elf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ELF records a64patch writes, each defined once per class as its fields in file order (gABI
 * "ELF Header", "Program Header", "Sections", "Symbol Table", "Dynamic Section", "Relocation";
 * "Note Section"). The writer encodes through these tables; the reader decodes with Kaitai from
 * elf.ksy; a test decodes and re-encodes every record of every test and corpus file through both
 * and requires the same bytes, so the two definitions cannot drift apart (as Ghidra's ELF64 program
 * header writer once put p_flags before p_type while its reader took p_type first).
 *
 * <p>Byte order is the buffer's: callers set it from e_ident[EI_DATA].
 */
public enum ElfRecord {
  EHDR(
      "e_ident:16 e_type:2 e_machine:2 e_version:4 e_entry:W e_phoff:W e_shoff:W e_flags:4"
          + " e_ehsize:2 e_phentsize:2 e_phnum:2 e_shentsize:2 e_shnum:2 e_shstrndx:2"),
  /** ELF64 moves p_flags second so that the 8-byte fields stay aligned. */
  PHDR(
      "p_type:4 p_offset:W p_vaddr:W p_paddr:W p_filesz:W p_memsz:W p_flags:4 p_align:W",
      "p_type:4 p_flags:4 p_offset:W p_vaddr:W p_paddr:W p_filesz:W p_memsz:W p_align:W"),
  SHDR(
      "sh_name:4 sh_type:4 sh_flags:W sh_addr:W sh_offset:W sh_size:W sh_link:4 sh_info:4"
          + " sh_addralign:W sh_entsize:W"),
  /** ELF64 moves st_value and st_size to the end for alignment. */
  SYM(
      "st_name:4 st_value:4 st_size:4 st_info:1 st_other:1 st_shndx:2",
      "st_name:4 st_info:1 st_other:1 st_shndx:2 st_value:8 st_size:8"),
  DYN("d_tag:W d_val:W"),
  RELA("r_offset:W r_info:W r_addend:W"),
  NHDR("n_namesz:4 n_descsz:4 n_type:4");

  private final Format elf32;
  private final Format elf64;

  ElfRecord(String fields) {
    this(fields, fields);
  }

  ElfRecord(String fields32, String fields64) {
    this.elf32 = new Format(this, fields32, 4);
    this.elf64 = new Format(this, fields64, 8);
  }

  /** The layout of this record in files of {@code elfClass} (ELFCLASS32 or ELFCLASS64). */
  public Format in(int elfClass) {
    return elfClass == ElfConstants.ELFCLASS64 ? elf64 : elf32;
  }

  public Format in(ElfHeader h) {
    return in(h.elfClass());
  }

  /** One record's fields with their offsets and widths, for one class. */
  public static final class Format {
    private final ElfRecord record;
    private final Map<String, int[]> fields = new HashMap<>();
    private final List<String> names;
    private final int size;

    private Format(ElfRecord record, String spec, int word) {
      this.record = record;
      int at = 0;
      this.names = List.of(spec.split(" "));
      for (String f : names) {
        String[] p = f.split(":");
        int width = p[1].equals("W") ? word : Integer.parseInt(p[1]);
        fields.put(p[0], new int[] {at, width});
        at += width;
      }
      this.size = at;
    }

    /** Bytes per record. */
    public int size() {
      return size;
    }

    /** The field names in file order. */
    public List<String> fields() {
      return names;
    }

    /** The offset of {@code field} inside the record. */
    public int offset(String field) {
      return field(field)[0];
    }

    /** The unsigned value of {@code field} of the record at {@code base}. */
    public long get(ByteBuffer b, int base, String field) {
      int[] f = field(field);
      int at = base + f[0];
      return switch (f[1]) {
        case 1 -> b.get(at) & 0xffL;
        case 2 -> b.getShort(at) & 0xffffL;
        case 4 -> b.getInt(at) & 0xffffffffL;
        case 8 -> b.getLong(at);
        default -> throw new IllegalArgumentException(field + " is not a number");
      };
    }

    /** Sets {@code field} of the record at {@code base}; refuses a value the field cannot hold. */
    public void put(ByteBuffer b, int base, String field, long value) {
      int[] f = field(field);
      int at = base + f[0];
      if (f[1] < 8 && (value >>> (8 * f[1])) != 0) {
        throw new IllegalArgumentException(
            String.format("%s = 0x%x does not fit in %d bytes", field, value, f[1]));
      }
      switch (f[1]) {
        case 1 -> b.put(at, (byte) value);
        case 2 -> b.putShort(at, (short) value);
        case 4 -> b.putInt(at, (int) value);
        case 8 -> b.putLong(at, value);
        default -> throw new IllegalArgumentException(field + " is not a number");
      }
    }

    /** The bytes of {@code field} alone holding {@code value}, in byte order {@code order}. */
    public byte[] encode(String field, long value, java.nio.ByteOrder order) {
      int[] f = field(field);
      ByteBuffer b = ByteBuffer.allocate(size).order(order);
      put(b, 0, field, value);
      byte[] out = new byte[f[1]];
      b.get(f[0], out);
      return out;
    }

    private int[] field(String name) {
      int[] f = fields.get(name);
      if (f == null) {
        throw new IllegalArgumentException(record + " has no field " + name);
      }
      return f;
    }
  }
}
