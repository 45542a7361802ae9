package dev.a64patch.core.io;

import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Files are read through memory mappings. When another process truncates a mapped file, reading a
 * page past the new end raises SIGBUS, which the JVM turns into an {@link InternalError} ("a fault
 * occurred in an unsafe memory access") thrown from whatever read the page. This turns it back into
 * what it is: the file changed under us (exit 4), named, in one line.
 *
 * <p>In compiled code the JVM does not throw at the faulting read: it lets the read yield garbage
 * and throws at the thread's next safepoint poll, which may come after the work is done. So {@link
 * #use} also compares the file's length with the mapping's once the work is done: a result computed
 * from a file that shrank meanwhile is never returned.
 */
public final class Mapped {
  private Mapped() {}

  /** An action that reads mapped bytes. */
  public interface Action<T> {
    T run() throws IOException;
  }

  public static <T> T guard(Path file, Action<T> action) throws IOException {
    return guard(file.toString(), action);
  }

  /** As {@link #guard(Path, Action)}, for a file shown to the user as {@code name}. */
  public static <T> T guard(String name, Action<T> action) throws IOException {
    try {
      return action.run();
    } catch (InternalError e) {
      if (!isMappingFault(e)) {
        throw e;
      }
      throw truncated(name);
    }
  }

  /** Maps and reads an ELF file; the tests replace it to truncate a file once it is mapped. */
  public interface Reader {
    ElfFile read(Path path) throws IOException;
  }

  /** Work on a mapped ELF file. */
  public interface Use<T> {
    T apply(ElfFile elf) throws IOException;
  }

  /**
   * Reads {@code file} through {@code reader} and applies {@code use}; a file truncated meanwhile
   * is one {@link FileSystemException} naming it as {@code name}, whenever the fault shows.
   */
  public static <T> T use(Path file, String name, Reader reader, Use<T> use) throws IOException {
    return guard(
        name,
        () -> {
          ElfFile elf = reader.read(file);
          T result = use.apply(elf);
          requireWhole(file, name, elf.size());
          return result;
        });
  }

  /** Refuses the work done on a mapping of {@code mapped} bytes if the file is shorter now. */
  public static void requireWhole(Path file, String name, long mapped) throws IOException {
    if (Files.size(file) < mapped) {
      throw truncated(name);
    }
  }

  /** {@link #use} with the file's own path as its name and the plain reader. */
  public static <T> T use(Path file, Use<T> use) throws IOException {
    return use(file, file.toString(), ElfFile::read, use);
  }

  private static boolean isMappingFault(Throwable e) {
    return e instanceof InternalError
        && e.getMessage() != null
        && e.getMessage().contains("unsafe memory access");
  }

  /** The one-line failure (exit 4) for {@code file}, truncated while a64patch was reading it. */
  public static FileSystemException truncated(String file) {
    return new FileSystemException(
        file,
        null,
        "was truncated while a64patch was reading it (rebuilt or copied over?); nothing was"
            + " written, run again once it is stable");
  }

  /*
   * Comparing mapped bytes. ByteBuffer.mismatch (and equals, compareTo) compare through a
   * vectorized stub, and JDK 17 turns a fault there, on a page of a truncated file, into no
   * exception: once the JIT has compiled the compare, the process dies with SIGBUS. Bulk copies
   * and single reads are faults the JVM does turn into the InternalError that guard names. So
   * mapped bytes are compared here, by pieces copied to the heap first, into scratch arrays each
   * thread keeps (new arrays for every piece cost page faults on fresh heap, about 30 ms of a
   * 140 MB compare). Heap buffers cannot fault and are compared directly.
   */

  private static final int PIECE = 1 << 16;

  private static final ByteBuffer ZEROS = ByteBuffer.allocate(PIECE).asReadOnlyBuffer();

  private static final ThreadLocal<byte[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[][] {new byte[PIECE], new byte[PIECE]});

  /** True when every byte of {@code b} (position to limit) is zero. */
  public static boolean allZero(ByteBuffer b) {
    int n = b.remaining();
    if (n >= 8 && b.getLong(b.position()) != 0) {
      return false; // the usual answer for code and data, from one read
    }
    for (int at = 0; at < n; at += PIECE) {
      int k = Math.min(PIECE, n - at);
      if (!same(b.slice(b.position() + at, k), ZEROS.slice(0, k))) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code a} and {@code b} (position to limit) hold the same bytes. */
  public static boolean same(ByteBuffer a, ByteBuffer b) {
    int n = a.remaining();
    if (n != b.remaining()) {
      return false;
    }
    if (!a.isDirect() && !b.isDirect()) {
      return a.mismatch(b) < 0;
    }
    byte[][] scratch = SCRATCH.get();
    byte[] x = scratch[0];
    byte[] y = scratch[1];
    for (int at = 0; at < n; at += PIECE) {
      int k = Math.min(PIECE, n - at);
      a.get(a.position() + at, x, 0, k);
      b.get(b.position() + at, y, 0, k);
      if (Arrays.mismatch(x, 0, k, y, 0, k) >= 0) {
        return false;
      }
    }
    return true;
  }
}
