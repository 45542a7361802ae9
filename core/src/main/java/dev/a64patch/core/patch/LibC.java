package dev.a64patch.core.patch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The calls of the Linux C library that the JDK does not offer, in one binding (JNA): extended
 * attributes on the link itself (l*), for {@link FileMetadata}, and starting a file's writeback,
 * for {@link Writeback}. Each throws {@link LastErrorException} with errno on failure.
 */
interface LibC extends Library {
  /** The library, or null where it cannot be loaded (not Linux/glibc, or JNA cannot load). */
  LibC INSTANCE = load();

  long llistxattr(String path, byte[] list, long size) throws LastErrorException;

  long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

  int lsetxattr(String path, String name, byte[] value, long size, int flags)
      throws LastErrorException;

  int open(String path, int flags) throws LastErrorException;

  int sync_file_range(int fd, long offset, long nbytes, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  private static LibC load() {
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError | RuntimeException e) {
      return null;
    }
  }
}
