package dev.a64patch.core.patch;

import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Files are read through memory mappings. When another process truncates a mapped file, reading a
 * page past the new end raises SIGBUS, which the JVM turns into an {@link InternalError} ("a fault
 * occurred in an unsafe memory access") thrown from whatever read the page. This turns it back into
 * what it is: the file changed under us (exit 4), named, in one line.
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

  /** Reads and verifies {@code file}, a truncation while reading being exit 4 in one line. */
  public static VerifyReport verify(Path file) throws IOException {
    return guard(file, () -> Verifier.verify(ElfFile.read(file)));
  }

  static boolean isMappingFault(Throwable e) {
    return e instanceof InternalError
        && e.getMessage() != null
        && e.getMessage().contains("unsafe memory access");
  }

  static FileSystemException truncated(String file) {
    return new FileSystemException(
        file,
        null,
        "was truncated while a64patch was reading it (rebuilt or copied over?); nothing was"
            + " written, run again once it is stable");
  }
}
