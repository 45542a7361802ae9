package dev.a64patch.core.patch;

import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.io.Meanwhile;
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
import java.util.List;

/**
 * Applies {@link FileEdits} to disk safely (docs/design.md section 9): the result is rendered from
 * the bytes that were parsed into a temporary file in the destination's directory, synced, given
 * the mode and owner of the file it replaces, checked, and renamed over the destination. A process
 * that has the old file mapped keeps its inode. On any failure the temporary file is removed and
 * the destination is untouched. A run killed before the rename can leave {@code
 * .NAME.a64patch.PID*.tmp}; the next run on the same destination removes it.
 */
public final class PatchWriter {
  /** Test seam: lets a test fail or halt at the two points where a crash matters. */
  public interface Hooks {
    Hooks NONE = new Hooks() {};

    /** After the temporary file is complete, synced and proved, just before the rename. */
    default void written(Path temporary) throws IOException {}

    /** Wraps the channel the image is written through (e.g. to inject a write error). */
    default FileChannel channel(FileChannel channel) {
      return channel;
    }
  }

  /**
   * A last check of the complete, synced temporary file before it replaces anything (patch proves
   * that its output verifies and restores); throws to refuse it.
   */
  public interface Proof {
    Proof NONE = temporary -> {};

    void check(Path temporary) throws IOException;
  }

  private PatchWriter() {}

  public static List<String> write(Source source, FileEdits image, Path destination, Hooks hooks)
      throws IOException {
    return write(source, image, destination, hooks, Proof.NONE);
  }

  /**
   * Writes {@code image} applied to {@code source.bytes()} to {@code destination}, atomically.
   * Before the rename: the result must have the image's SHA-256 when it has one, pass {@code
   * proof}, and the source file must be unchanged since it was parsed.
   *
   * @return warnings about metadata that was not kept (setuid bits, extended attributes)
   */
  public static List<String> write(
      Source source, FileEdits image, Path destination, Hooks hooks, Proof proof)
      throws IOException {
    try (Begun write = begin(source, destination, hooks, false)) {
      return write.finish(image, proof);
    }
  }

  /**
   * Begins a write to {@code destination} before its edits are known: creates the temporary file,
   * reads the metadata of the file it replaces and, with {@code copyAhead}, copies the source's
   * bytes into it, both on other threads while the caller plans the edits (docs/performance.md,
   * "Seventh round"). {@link Begun#finish} completes it; closing a write that did not finish waits
   * for those threads and removes the temporary file.
   */
  static Begun begin(Source source, Path destination, Hooks hooks, boolean copyAhead)
      throws IOException {
    Path target = target(destination);
    removeStale(target.getParent(), target.getFileName().toString());
    Path tmp = temporary(target, "");
    FileChannel created = createTemporary(tmp, target);
    try {
      return new Begun(source, destination.toString(), target, tmp, hooks, created, copyAhead);
    } catch (RuntimeException | Error e) {
      created.close();
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** A write in progress: {@link PatchWriter#begin}. */
  static final class Begun implements AutoCloseable {
    private final Source source;
    private final String name;
    private final Path target;
    private final Path tmp;
    private final Hooks hooks;
    private final FileChannel created;
    private final FileChannel out;
    private final Meanwhile<FileMetadata> metadata;

    /** The source's bytes being copied into the temporary file; null when not copied ahead. */
    private final Meanwhile<Void> copied;

    /**
     * The copy's bytes sent on their way to the disk once it is done ({@link Writeback}), while the
     * plan is made: the final fsync then finds them written or being written. Null when not copied
     * ahead.
     */
    private final Meanwhile<Boolean> writeback;

    private boolean closed;

    private Begun(
        Source source,
        String name,
        Path target,
        Path tmp,
        Hooks hooks,
        FileChannel created,
        boolean copyAhead) {
      this.source = source;
      this.name = name;
      this.target = target;
      this.tmp = tmp;
      this.hooks = hooks;
      this.created = created;
      this.out = hooks.channel(created);
      Path replaced = Files.exists(target) ? target : source.path();
      this.metadata = Meanwhile.start("metadata", () -> FileMetadata.read(replaced));
      this.copied =
          copyAhead
              ? Meanwhile.start(
                  "copy",
                  () -> naming(target, () -> render(source, FileEdits.none(length(source)), out)))
              : null;
      this.writeback =
          copyAhead
              ? Meanwhile.start(
                  "writeback",
                  () -> {
                    copied.join();
                    return Writeback.start(tmp);
                  })
              : null;
    }

    /**
     * Writes {@code image} applied to the source, proves it and renames it over the destination
     * (see {@link PatchWriter#write(Source, FileEdits, Path, Hooks, Proof)}).
     *
     * @return warnings about metadata that was not kept (setuid bits, extended attributes)
     */
    List<String> finish(FileEdits image, Proof proof) throws IOException {
      List<String> warnings;
      try {
        warnings = writeAndProve(image, proof);
      } finally {
        closeChannels();
      }
      hooks.written(tmp);
      source.stamp().requireUnchanged(source.path()); // as late as possible before the rename
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            target + ": cannot rename atomically within " + target.getParent(), e);
      }
      closed = true;
      syncDirectory(target.getParent());
      return warnings;
    }

    /**
     * The temporary file, written through {@code out}, synced and proved, in steps, of which those
     * that wait on the kernel or need only the source run beside others (docs/performance.md,
     * "Fifth round"):
     *
     * <ol>
     *   <li>(begun already) read the metadata of the file it replaces, and copy the source's bytes
     *       when they were copied ahead and start their writeback, on other threads; digest the
     *       result from the source and the edits when it must have a known digest (a restored
     *       original), on another thread while
     *   <li>the bytes are written: the edits over the copy, or the whole result;
     *   <li>give it that metadata, after the last write (a write removes {@code
     *       security.capability});
     *   <li>fsync it, on another thread while
     *   <li>its digest is checked, the source is checked unchanged, and the proof reads it back:
     *       the page cache holds what the disk will, so the proof need not wait for the disk;
     *   <li>wait for the fsync, whose failure (a full disk surfaces there too) fails the write.
     * </ol>
     *
     * Then {@link #finish} renames it into place.
     */
    private List<String> writeAndProve(FileEdits image, Proof proof) throws IOException {
      Meanwhile<String> digest = digesting(source, image);
      Meanwhile<Void> synced = null;
      try {
        if (copied == null) {
          naming(target, () -> render(source, image, out));
        } else {
          copied.join();
          naming(target, () -> renderOverCopy(source, image, out));
        }
        List<String> warnings = metadata.join().applyTo(tmp, name);
        synced = Meanwhile.start("fsync", () -> naming(target, () -> force(out)));
        checkDigest(image, digest, target);
        source.stamp().requireUnchanged(source.path());
        proof.check(tmp);
        synced.join();
        Meanwhile.awaitAll(writeback); // a hint: what it met does not matter, the fsync did
        return warnings;
      } catch (IOException | RuntimeException | Error e) {
        // The channel closes and the file goes: nothing may still run on them.
        Meanwhile.awaitAll(copied, writeback, metadata, digest, synced);
        throw e;
      }
    }

    /**
     * Removes the temporary file of a write that did not finish, once nothing runs on it any more.
     */
    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      Meanwhile.awaitAll(copied, writeback, metadata);
      try {
        closeChannels();
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    /** Closes the channel written through, then the file's own (a second close does nothing). */
    private void closeChannels() throws IOException {
      try {
        out.close();
      } finally {
        created.close();
      }
    }
  }

  private static Void force(FileChannel out) throws IOException {
    out.force(true);
    return null;
  }

  /**
   * The image rendered into a temporary file next to {@code destination}, mapped and then unlinked:
   * the mapping lives on without a name, so a later kill leaves nothing behind (a kill in between
   * leaves a PID-named file the next run removes). Used to rebuild the original of a file being
   * re-patched, whose checksum it proves.
   */
  static ByteBuffer renderDetached(Source source, FileEdits image, Path destination)
      throws IOException {
    Path target = target(destination);
    removeStale(target.getParent(), target.getFileName().toString());
    Path tmp = temporary(target, "original");
    try (FileChannel out =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      Meanwhile<String> digest = digesting(source, image);
      try {
        render(source, image, out);
        checkDigest(image, digest, target);
      } catch (IOException | RuntimeException | Error e) {
        Meanwhile.awaitAll(digest);
        throw e;
      }
      return out.map(FileChannel.MapMode.READ_ONLY, 0, image.length());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Runs a write of the result; an error names the destination ("No space left on device" alone
   * does not say which file could not be written). File system errors name their file already.
   */
  private static <T> T naming(Path target, Meanwhile.Work<T> write) throws IOException {
    try {
      return write.run();
    } catch (java.nio.file.FileSystemException e) {
      throw e;
    } catch (IOException e) {
      throw new java.nio.file.FileSystemException(
          target.toString(),
          null,
          "cannot write the result ("
              + (e.getMessage() == null ? "write error" : e.getMessage())
              + "); nothing was changed");
    }
  }

  private static void checkDigest(FileEdits image, Meanwhile<String> digest, Path target)
      throws IOException {
    String sha = digest == null ? null : digest.join();
    if (image.sha256() != null && !image.sha256().equals(sha)) {
      throw new PatchException(
          target.toString(),
          "the restored bytes have sha256 "
              + sha
              + " but the manifest records "
              + image.sha256()
              + " for the original: it cannot be rebuilt exactly; nothing was written");
    }
  }

  /**
   * Like cp, write through a symbolic link: patching libfoo.so.1 (a link to libfoo.so.1.2.3) must
   * patch the library, not replace the link with a copy. A dangling link is refused, as cp does:
   * writing through it would create a file wherever it points.
   */
  private static Path target(Path destination) throws IOException {
    if (!Files.isSymbolicLink(destination)) {
      return destination.toAbsolutePath();
    }
    if (!Files.exists(destination)) {
      throw new java.nio.file.FileSystemException(
          destination.toString(),
          null,
          "is a dangling symbolic link (to "
              + Files.readSymbolicLink(destination)
              + "); not writing through it");
    }
    return destination.toRealPath();
  }

  /** {@code .NAME.a64patch.PID[.WHAT].tmp}: the PID tells the next run whether it is stale. */
  static Path temporary(Path target, String what) {
    return target.resolveSibling(
        "."
            + target.getFileName()
            + ".a64patch."
            + ProcessHandle.current().pid()
            + (what.isEmpty() ? "" : "." + what)
            + ".tmp");
  }

  /** Writes the image through {@code out}. */
  private static Void render(Source source, FileEdits image, FileChannel out) throws IOException {
    long[] at = {0};
    Mapped.guard(
        source.path(),
        () -> {
          image.render(
              source.bytes(),
              chunk -> {
                int n = chunk.remaining();
                write(source, out, chunk, at[0]);
                at[0] += n;
              });
          return null;
        });
    setLength(out, image.length());
    return null;
  }

  /**
   * Writes {@code image} over {@code out}, which holds the source's bytes already: its edits, then
   * its length. An edit inside the original's length is written whole (a block of zeros in it must
   * replace what the copy put there); past it, blocks of zeros are skipped as everywhere. An image
   * not made from exactly those bytes (never for patch) is written whole over an emptied file.
   */
  private static Void renderOverCopy(Source source, FileEdits image, FileChannel out)
      throws IOException {
    long original = length(source);
    if (image.originalLength() != original) {
      out.truncate(0);
      return render(source, image, out);
    }
    for (FileEdits.Edit e : image.sortedEdits()) {
      ByteBuffer bytes = ByteBuffer.wrap(e.bytes());
      int inside = (int) Math.max(0, Math.min(bytes.limit(), original - e.offset()));
      writeFully(out, bytes.slice(0, inside), e.offset());
      writeSparse(out, bytes.slice(inside, bytes.limit() - inside), e.offset() + inside);
    }
    setLength(out, image.length());
    return null;
  }

  private static long length(Source source) {
    return source.bytes().limit();
  }

  /**
   * The SHA-256 of the result, computed from the same bytes the writer reads, on another thread
   * while it writes (for a restored original, whose digest the manifest records); null when the
   * image has no recorded digest: a patch result has none, and the pass would cost as much as the
   * whole copy.
   */
  private static Meanwhile<String> digesting(Source source, FileEdits image) {
    if (image.sha256() == null) {
      return null;
    }
    return Meanwhile.start(
        "sha256", () -> Mapped.guard(source.path(), () -> image.digest(source.bytes())));
  }

  private static void setLength(FileChannel out, long length) throws IOException {
    out.truncate(length);
    if (out.size() < length) {
      // The result ends in a hole: the last byte gives the file its length.
      writeFully(out, ByteBuffer.wrap(new byte[1]), length - 1);
    }
  }

  /** The unit of {@link #writeSparse}: the smallest page and file system block in common use. */
  static final int BLOCK = 4096;

  /**
   * Writes {@code chunk} at {@code position}, skipping every block of zeros (docs/design.md section
   * 14): a file never written there reads as zeros, and where the file system supports holes (ext4,
   * xfs, btrfs, tmpfs...) the skipped blocks take no disk. This is what keeps the padding of an
   * executable with a large .bss (hundreds of MB) from costing any space; elsewhere the file system
   * stores the zeros itself. The content is the same either way.
   */
  private static void writeSparse(FileChannel out, ByteBuffer chunk, long position)
      throws IOException {
    int n = chunk.remaining();
    int from = 0;
    for (int at = 0, size; at < n; at += size) {
      // Blocks are aligned in the file, wherever the chunk starts.
      size = (int) Math.min(BLOCK - (position + at) % BLOCK, n - at);
      if (Mapped.allZero(chunk.slice(at, size))) { // not mismatch: see Mapped
        if (from < at) {
          writeFully(out, chunk.slice(from, at - from), position + from);
        }
        from = at + size;
      }
    }
    if (from < n) {
      writeFully(out, chunk.slice(from, n - from), position + from);
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

  /**
   * Writes a piece of the result. Pieces are views of the source's mapping, which the kernel reads
   * directly: when another process truncated the source, that read fails with EFAULT ("Bad
   * address") instead of the SIGBUS a Java read gets, and is reported as the truncation it is.
   */
  private static void write(Source source, FileChannel out, ByteBuffer piece, long position)
      throws IOException {
    try {
      writeSparse(out, piece, position);
    } catch (IOException e) {
      if (shrunk(source)) {
        throw Mapped.truncated(source.path().toString());
      }
      throw e;
    }
  }

  private static boolean shrunk(Source source) {
    try {
      return Files.size(source.path()) < source.stamp().size();
    } catch (IOException e) {
      return false; // cannot tell: the write error stands
    }
  }

  /**
   * Writes all of {@code b} at {@code position}, at most {@value #WRITE_PIECE} bytes per call: the
   * JDK writes a heap buffer through a direct buffer of the same size, and a new one of several
   * megabytes (the shared clock's copy of a large {@code .rela.dyn}) costs a page fault for each of
   * its pages, where one of 1 MiB is allocated once per thread and reused.
   */
  private static void writeFully(FileChannel out, ByteBuffer b, long position) throws IOException {
    long at = position;
    for (int from = b.position(); from < b.limit(); ) {
      ByteBuffer piece = b.slice(from, Math.min(WRITE_PIECE, b.limit() - from));
      while (piece.hasRemaining()) {
        int n = out.write(piece, at);
        at += n;
        from += n;
      }
    }
    b.position(b.limit());
  }

  private static final int WRITE_PIECE = 1 << 20;

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not all platforms can open a directory; the rename itself is already atomic.
    }
  }

  /**
   * Removes temporary files of earlier runs on the same destination whose process is gone: {@code
   * .NAME.a64patch.PID[.WHAT].tmp}, and {@code .NAME.original.*.tmp} of earlier versions (which
   * named no process).
   */
  static void removeStale(Path dir, String name) throws IOException {
    String prefix = "." + name + ".a64patch.";
    String legacy = "." + name + ".original.";
    try (DirectoryStream<Path> s =
        Files.newDirectoryStream(
            dir,
            p -> {
              String f = p.getFileName().toString();
              return (f.startsWith(prefix) || f.startsWith(legacy)) && f.endsWith(".tmp");
            })) {
      for (Path p : s) {
        String f = p.getFileName().toString();
        String pid = f.startsWith(prefix) ? f.substring(prefix.length()).split("\\.")[0] : "";
        boolean alive =
            pid.matches("\\d{1,18}")
                && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (!alive && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
