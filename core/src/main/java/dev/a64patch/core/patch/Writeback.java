package dev.a64patch.core.patch;

import com.sun.jna.LastErrorException;
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

  private Writeback() {}

  /** Starts writing back every dirty page of {@code file}; false when it could not. */
  static boolean start(Path file) {
    LibC c = LibC.INSTANCE;
    if (c == null) {
      return false;
    }
    try {
      int fd = c.open(file.toString(), O_RDONLY | O_CLOEXEC);
      try {
        c.sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
      } finally {
        c.close(fd);
      }
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }
}
