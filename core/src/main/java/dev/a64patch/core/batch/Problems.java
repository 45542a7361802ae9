package dev.a64patch.core.batch;

import dev.a64patch.core.report.FileProblem;
import dev.a64patch.elf.ElfException;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;

/**
 * Turns the exceptions met while reading inputs into one-line {@link FileProblem}s, the same way
 * for the command line, the batch engine and (later) the Maven plugin.
 */
public final class Problems {
  private Problems() {}

  /** "path: reason", one line, for an exception about {@code path}. */
  public static String describe(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      return describe(u.getCause());
    }
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": no such file or directory";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    if (e instanceof NotDirectoryException n) {
      return n.getFile() + ": not a directory";
    }
    if (e instanceof FileSystemException f) {
      return f.getFile()
          + ": "
          + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
  }

  /** Malformed content is bad input; anything else the file system said is "unreadable". */
  public static FileProblem.Kind kind(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      return kind(u.getCause());
    }
    // A corrupt zip (ZipException) or one that ends early (EOFException) was read fine: its content
    // is bad.
    return e instanceof ElfException || e instanceof ZipException || e instanceof EOFException
        ? FileProblem.Kind.BAD_INPUT
        : FileProblem.Kind.UNREADABLE;
  }

  /**
   * The problem, its message always starting with {@code path} (plain I/O errors do not name their
   * file).
   */
  public static FileProblem of(String path, Throwable e) {
    String m = describe(e);
    return new FileProblem(path, kind(e), m.startsWith(path + ": ") ? m : path + ": " + m);
  }

  /** For exceptions whose message does not name the file (zip and stream errors). */
  public static FileProblem of(String path, String what, Throwable e) {
    String m =
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    return new FileProblem(path, kind(e), path + ": " + what + ": " + m);
  }
}
