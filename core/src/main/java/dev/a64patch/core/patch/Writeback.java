package dev.a64patch.core.patch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.nio.file.Path;

/**
 * Starts the kernel writing a file's dirty pages to disk without waiting for it, and without the
 * journal commit an fdatasync makes (Linux {@code sync_file_range} with {@code
 * SYNC_FILE_RANGE_WRITE}): patch starts it on the source's bytes once they are copied ahead, so
 * that the final fsync finds them on their way, while the edits it writes meanwhile do not wait for
 * a commit. A hint only: where the call is missing or fails, nothing happens, and the fsync before
 * the rename still makes the file durable.
 */
final class Writeback {
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 02000000;
  private static final int SYNC_FILE_RANGE_WRITE = 2;
  private static final boolean LOADED = load();

  private Writeback() {}

  private static boolean load() {
    try {
      Native.register(Writeback.class, NativeLibrary.getInstance("c"));
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /** Starts writing back every dirty page of {@code file}; false when it could not. */
  static boolean start(Path file) {
    if (!LOADED) {
      return false;
    }
    try {
      int fd = open(file.toString(), O_RDONLY | O_CLOEXEC);
      try {
        sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
      } finally {
        close(fd);
      }
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int sync_file_range(int fd, long offset, long nbytes, int flags)
      throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;
}
