package dev.a64patch.core.patch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Applies {@link FileEdits} to disk safely (DESIGN.md §6): the result is written to a temporary
 * file in the destination's directory, synced, given the mode and owner of the file it replaces,
 * and renamed over the destination. A process that has the old file mapped keeps its inode. On any
 * failure the temporary file is removed and the destination is untouched. A run killed before the
 * rename can leave {@code .NAME.a64patch.PID.tmp}; the next write to the same destination removes
 * it.
 */
public final class PatchWriter {
  /** Test seam: lets a test fail or halt at the two points where a crash matters. */
  public interface Hooks {
    Hooks NONE = new Hooks() {};

    /** After the temporary file is complete and synced. */
    default void written(Path temporary) throws IOException {}

    /** Wraps the channel the image is written through (e.g. to inject a write error). */
    default FileChannel channel(FileChannel channel) {
      return channel;
    }
  }

  private PatchWriter() {}

  public static void write(Path source, FileEdits image, Path destination, Hooks hooks)
      throws IOException {
    // Like cp, write through a symbolic link: patching libfoo.so.1 (a link to
    // libfoo.so.1.2.3) must patch the library, not replace the link with a copy.
    Path target =
        Files.isSymbolicLink(destination) && Files.exists(destination)
            ? destination.toRealPath()
            : destination.toAbsolutePath();
    Path dir = target.getParent();
    removeStale(dir, target.getFileName().toString());
    Path tmp =
        dir.resolve(
            "." + target.getFileName() + ".a64patch." + ProcessHandle.current().pid() + ".tmp");
    boolean done = false;
    try {
      try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
          FileChannel out = hooks.channel(createTemporary(tmp, target))) {
        copy(in, out, image.originalLength());
        zeros(out, image.originalLength(), image.length());
        for (FileEdits.Edit e : image.edits()) {
          writeFully(out, ByteBuffer.wrap(e.bytes()), e.offset());
        }
        out.truncate(image.length());
        out.force(true);
      }
      copyAttributes(Files.exists(target) ? target : source, tmp);
      hooks.written(tmp);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(target + ": cannot rename atomically within " + dir, e);
      }
      syncDirectory(dir);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Creates the temporary file; a failure names the destination and its directory, not the
   * temporary name.
   */
  private static FileChannel createTemporary(Path tmp, Path target) throws IOException {
    try {
      return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new java.nio.file.FileSystemException(
          target.toString(),
          null,
          "temporary file "
              + tmp.getFileName()
              + " exists: is another a64patch writing this file?");
    } catch (java.nio.file.FileSystemException e) {
      String why = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
      throw new java.nio.file.FileSystemException(
          target.toString(),
          null,
          "cannot create a file in " + target.getParent() + " (" + why + "); nothing was changed");
    }
  }

  private static void copy(FileChannel in, FileChannel out, long length) throws IOException {
    long done = 0;
    while (done < length) {
      long n = in.transferTo(done, length - done, out);
      if (n <= 0) {
        throw new IOException("source ended at " + done + " of " + length + " bytes while copying");
      }
      done += n;
    }
  }

  /** Zeros from {@code from} to {@code to}: what a channel leaves in a gap is unspecified. */
  private static void zeros(FileChannel out, long from, long to) throws IOException {
    ByteBuffer zero = ByteBuffer.allocate(1 << 16);
    for (long at = from; at < to; at += zero.capacity()) {
      writeFully(out, zero.clear().limit((int) Math.min(zero.capacity(), to - at)), at);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer b, long position) throws IOException {
    long at = position;
    while (b.hasRemaining()) {
      at += out.write(b, at);
    }
  }

  /** Mode, and owner/group when permitted (only root may give a file away). */
  private static void copyAttributes(Path from, Path to) throws IOException {
    PosixFileAttributeView fromView =
        Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView toView = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (fromView == null || toView == null) {
      return;
    }
    PosixFileAttributes a = fromView.readAttributes();
    toView.setPermissions(a.permissions());
    try {
      toView.setGroup(a.group());
      toView.setOwner(a.owner());
    } catch (IOException e) {
      // Not permitted for a non-root user changing someone else's file: it keeps the caller's ids.
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not all platforms can open a directory; the rename itself is already atomic.
    }
  }

  /** Removes temporary files of earlier runs on the same destination whose process is gone. */
  static void removeStale(Path dir, String name) throws IOException {
    String prefix = "." + name + ".a64patch.";
    try (DirectoryStream<Path> s =
        Files.newDirectoryStream(
            dir,
            p -> {
              String f = p.getFileName().toString();
              return f.startsWith(prefix) && f.endsWith(".tmp");
            })) {
      for (Path p : s) {
        String pid = p.getFileName().toString().substring(prefix.length()).replace(".tmp", "");
        boolean alive =
            pid.matches("\\d+")
                && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (!alive && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
