package dev.a64patch.elf;

import static dev.a64patch.elf.ElfConstants.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An ELF file, read-only. Files are memory-mapped, never copied into the heap; the header, program
 * headers and section headers are parsed and validated when the file is opened, symbol tables, the
 * dynamic array and notes on first use.
 *
 * <pre>{@code
 * ElfFile elf = ElfFile.read(Path.of("libfoo.so"));
 * for (ElfSection s : elf.sections()) ...
 * }</pre>
 */
public final class ElfFile {
  /** Largest file a single mapping can hold; larger files are refused with a clear message. */
  public static final long MAX_SIZE = Integer.MAX_VALUE;

  private final String name;
  private final ByteBuffer bytes;
  private final ElfHeader header;
  private final List<ElfSegment> segments;
  private final List<ElfSection> sections;
  private final ElfReader reader;
  private final Lazy<List<ElfSymbol>> symbols;
  private final Lazy<List<ElfSymbol>> dynamicSymbols;
  private final Lazy<List<ElfDynamicEntry>> dynamic;
  private final Lazy<List<ElfNote>> notes;

  private ElfFile(String name, ByteBuffer bytes) {
    this.name = name;
    this.bytes = bytes.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    this.reader = new ElfReader(name, this.bytes);
    try {
      this.header = reader.readHeader();
      this.segments = reader.readSegments(header);
      this.sections = reader.readSections(header);
    } catch (ElfException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unexpected(e);
    }
    this.symbols = new Lazy<>(() -> symbolsOf(SHT_SYMTAB));
    this.dynamicSymbols = new Lazy<>(() -> symbolsOf(SHT_DYNSYM));
    this.dynamic = new Lazy<>(this::readDynamic);
    this.notes = new Lazy<>(this::readNotes);
  }

  /**
   * Maps and parses {@code path}. Refuses directories, FIFOs, devices and sockets before opening
   * them (opening a FIFO would block).
   *
   * @throws IOException when the file cannot be read
   * @throws ElfException when it is not a well-formed ELF file
   */
  public static ElfFile read(Path path) throws IOException {
    String name = path.toString();
    BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class);
    if (attrs.isDirectory()) {
      throw new FileSystemException(name, null, "is a directory");
    }
    if (!attrs.isRegularFile()) {
      throw new FileSystemException(name, null, "not a regular file (FIFO, device or socket)");
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > MAX_SIZE) {
        throw new UnsupportedElfException(
            name,
            String.format(
                "file of %d bytes is larger than the %d bytes a64patch can map", size, MAX_SIZE));
      }
      ByteBuffer map =
          size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return new ElfFile(name, map);
    }
  }

  /** Parses an ELF image held in memory; {@code name} is used in messages. */
  public static ElfFile read(ByteBuffer image, String name) {
    return new ElfFile(name, image.duplicate().position(0));
  }

  public String name() {
    return name;
  }

  public long size() {
    return bytes.limit();
  }

  public ElfHeader header() {
    return header;
  }

  public List<ElfSegment> segments() {
    return segments;
  }

  public List<ElfSection> sections() {
    return sections;
  }

  public boolean hasSectionHeaders() {
    return !sections.isEmpty();
  }

  public Optional<ElfSection> section(String sectionName) {
    return sections.stream().filter(s -> s.name().equals(sectionName)).findFirst();
  }

  /** Symbols of {@code .symtab} (empty when the file is stripped). */
  public List<ElfSymbol> symbols() {
    return symbols.get();
  }

  /** Symbols of {@code .dynsym} (empty for static executables). */
  public List<ElfSymbol> dynamicSymbols() {
    return dynamicSymbols.get();
  }

  /** {@code .symtab} as an in-place view (fast for large tables), if the file has one. */
  public Optional<ElfSymbolTable> symbolTable() {
    return tableView(SHT_SYMTAB);
  }

  /** {@code .dynsym} as an in-place view, if the file has one. */
  public Optional<ElfSymbolTable> dynamicSymbolTable() {
    return tableView(SHT_DYNSYM);
  }

  private Optional<ElfSymbolTable> tableView(long type) {
    for (ElfSection s : sections) {
      if (s.type() == type) {
        return Optional.of(guarded(() -> reader.symbolTable(header, sections, s)));
      }
    }
    return Optional.empty();
  }

  /** The dynamic array, from SHT_DYNAMIC or else PT_DYNAMIC, up to DT_NULL. */
  public List<ElfDynamicEntry> dynamic() {
    return dynamic.get();
  }

  /** All notes, from SHT_NOTE sections or else PT_NOTE segments. */
  public List<ElfNote> notes() {
    return notes.get();
  }

  /** The whole file as a read-only little-endian buffer (position 0). */
  public ByteBuffer bytes() {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A read-only little-endian view of [offset, offset+length), which must lie inside the file. */
  public ByteBuffer slice(long offset, long length) {
    if (offset < 0 || length < 0 || offset > size() || length > size() - offset) {
      throw new IndexOutOfBoundsException(
          String.format("range 0x%x+0x%x outside file of 0x%x bytes", offset, length, size()));
    }
    return reader.slice(offset, length);
  }

  /** File offset that holds virtual address {@code vaddr}, if a PT_LOAD maps it from the file. */
  public Optional<Long> offsetOf(long vaddr) {
    return loadAt(vaddr).map(s -> s.offset() + (vaddr - s.vaddr()));
  }

  /** The PT_LOAD whose file bytes map {@code vaddr}, if any. */
  public Optional<ElfSegment> loadAt(long vaddr) {
    for (ElfSegment s : segments) {
      // Addresses are unsigned: a segment at 0x8000000000001000 must not "contain" 0x2000.
      if (s.isLoad()
          && Long.compareUnsigned(vaddr, s.vaddr()) >= 0
          && Long.compareUnsigned(vaddr - s.vaddr(), s.filesz()) < 0) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private List<ElfSymbol> symbolsOf(long type) {
    for (ElfSection s : sections) {
      if (s.type() == type) {
        return guarded(() -> reader.readSymbols(header, sections, s));
      }
    }
    return List.of();
  }

  private List<ElfDynamicEntry> readDynamic() {
    for (ElfSection s : sections) {
      if (s.type() == SHT_DYNAMIC) {
        return guarded(() -> reader.readDynamic(header, s.offset(), s.size()));
      }
    }
    for (ElfSegment s : segments) {
      if (s.type() == PT_DYNAMIC) {
        return guarded(() -> reader.readDynamic(header, s.offset(), s.filesz()));
      }
    }
    return List.of();
  }

  private List<ElfNote> readNotes() {
    List<ElfNote> out = new java.util.ArrayList<>();
    boolean fromSections = false;
    for (ElfSection s : sections) {
      if (s.type() == SHT_NOTE) {
        fromSections = true;
        out.addAll(guarded(() -> reader.readNotes(s.offset(), s.size(), s.addralign())));
      }
    }
    if (!fromSections) {
      for (ElfSegment s : segments) {
        if (s.type() == PT_NOTE) {
          out.addAll(guarded(() -> reader.readNotes(s.offset(), s.filesz(), s.align())));
        }
      }
    }
    return List.copyOf(out);
  }

  private <T> T guarded(Supplier<T> read) {
    try {
      synchronized (reader) { // the Kaitai stream has one position
        return read.get();
      }
    } catch (ElfException e) {
      throw e;
    } catch (RuntimeException e) {
      throw unexpected(e);
    }
  }

  /** Never shows a Java class name: a user cannot act on "IndexOutOfBoundsException". */
  private ElfFormatException unexpected(RuntimeException e) {
    String why =
        e instanceof IndexOutOfBoundsException || e instanceof java.nio.BufferUnderflowException
            ? "a structure runs past the end of the file or its table"
            : "malformed";
    ElfFormatException x = new ElfFormatException(name, 0, "structure", "cannot be parsed: " + why);
    x.initCause(e); // for A64PATCH_DEBUG stack traces
    return x;
  }

  /** Computes a value once, on first use; parsed state never changes afterwards. */
  private static final class Lazy<T> {
    private final Supplier<T> compute;
    private volatile T value;

    Lazy(Supplier<T> compute) {
      this.compute = compute;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = compute.get();
            value = v;
          }
        }
      }
      return v;
    }
  }

  @Override
  public String toString() {
    return name + ": " + header.describe();
  }
}
