package dev.a64patch.core.patch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the patched file what the file it replaces had: mode, owner and group (when permitted), and
 * every extended attribute the kernel lets us set: user.*, security.* (SELinux labels and {@code
 * security.capability}, which needs CAP_SETFCAP) and system.posix_acl_* (ACLs). What cannot be kept
 * is returned as a warning. The setuid, setgid and sticky bits are never carried over to a modified
 * executable: the caller warns about them.
 */
final class FileMetadata {
  private FileMetadata() {}

  /** The Linux C library's xattr calls, on the link itself (l*), with errno on failure. */
  private interface LibC extends Library {
    long llistxattr(String path, byte[] list, long size) throws LastErrorException;

    long lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    int lsetxattr(String path, String name, byte[] value, long size, int flags)
        throws LastErrorException;
  }

  private static final LibC LIBC = load();

  private static LibC load() {
    try {
      return Native.load("c", LibC.class);
    } catch (LinkageError | RuntimeException e) {
      return null; // not Linux/glibc, or JNA cannot load: mode and owner only
    }
  }

  private static final int SPECIAL_BITS = 07000;

  /**
   * Copies mode, owner and extended attributes from {@code from} to {@code to}.
   *
   * @return warnings about what was not kept, naming {@code name}
   */
  static List<String> copy(Path from, Path to, String name) throws IOException {
    List<String> warnings = new ArrayList<>();
    PosixFileAttributeView fromView =
        Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView toView = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (fromView == null || toView == null) {
      return warnings;
    }
    PosixFileAttributes a = fromView.readAttributes();
    toView.setPermissions(a.permissions());
    try {
      toView.setGroup(a.group());
      toView.setOwner(a.owner());
    } catch (IOException e) {
      // Not permitted for a non-root user changing someone else's file: it keeps the caller's ids.
    }
    int mode = mode(from);
    if ((mode & SPECIAL_BITS) != 0) {
      warnings.add(
          String.format(
              "%s: mode %04o: the setuid/setgid/sticky bits are not kept on the patched file (a"
                  + " modified program must not keep privileges unnoticed); set them again with"
                  + " chmod if you trust the result",
              name, mode & 07777));
    }
    // After chown: changing the owner clears security.capability.
    copyXattrs(from, to, name, warnings);
    return warnings;
  }

  private static int mode(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  private static void copyXattrs(Path from, Path to, String name, List<String> warnings) {
    if (LIBC == null) {
      return;
    }
    String src = from.toString();
    String dst = to.toString();
    List<String> names;
    try {
      names = list(src);
    } catch (LastErrorException e) {
      return; // the file system has no extended attributes
    }
    for (String attr : names) {
      try {
        byte[] value = get(src, attr);
        LIBC.lsetxattr(dst, attr, value, value.length, 0);
      } catch (LastErrorException e) {
        warnings.add(
            name
                + ": extended attribute "
                + attr
                + " is not kept on the patched file (errno "
                + e.getErrorCode()
                + (e.getErrorCode() == 1 ? ": not permitted" : "")
                + ")");
      }
    }
  }

  private static List<String> list(String path) {
    long size = LIBC.llistxattr(path, null, 0);
    if (size <= 0) {
      return List.of();
    }
    byte[] buf = new byte[(int) size];
    long n = LIBC.llistxattr(path, buf, buf.length);
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] == 0) {
        if (i > start) {
          out.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return out;
  }

  private static byte[] get(String path, String attr) {
    long size = LIBC.lgetxattr(path, attr, null, 0);
    byte[] value = new byte[(int) Math.max(size, 0)];
    long n = size <= 0 ? 0 : LIBC.lgetxattr(path, attr, value, value.length);
    return n == value.length ? value : java.util.Arrays.copyOf(value, (int) n);
  }
}
