package dev.a64patch.core.failure;

import dev.a64patch.core.report.FileProblem;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfNames;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;

/**
 * The one place that classifies a failure and words it as one line. a64patch's own exceptions carry
 * their kind; the few foreign ones met at the edges (the ELF reader's, the JDK's I/O and zip
 * exceptions) are classified here. The command line, the reports and the Maven plugin use this and
 * nothing else.
 */
public final class Failures {
  private Failures() {}

  public static FailureKind kind(Throwable e) {
    if (e instanceof UncheckedIOException u) {
      return kind(u.getCause());
    }
    if (e instanceof A64PatchException a) {
      return a.kind();
    }
    // A corrupt zip (ZipException) or one that ends early (EOFException) was read fine: its
    // content is bad.
    if (e instanceof ElfException || e instanceof ZipException || e instanceof EOFException) {
      return FailureKind.BAD_INPUT;
    }
    if (e instanceof IOException) {
      return FailureKind.UNREADABLE;
    }
    return FailureKind.INTERNAL;
  }

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

  /**
   * The problem, its message always starting with {@code path} (plain I/O errors do not name their
   * file).
   */
  public static FileProblem problem(String path, Throwable e) {
    String m = describe(e);
    // The ELF reader writes control characters in names as \\xNN; compare with the path as shown.
    String shown = ElfNames.printable(path);
    boolean named = m.startsWith(path + ": ") || m.startsWith(shown + ": ");
    return new FileProblem(path, kind(e), named ? m : path + ": " + m);
  }

  /** For exceptions whose message does not name the file (zip and stream errors). */
  public static FileProblem problem(String path, String what, Throwable e) {
    String m =
        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
    return new FileProblem(path, kind(e), path + ": " + what + ": " + m);
  }
}
