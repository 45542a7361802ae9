package dev.a64patch.core.patch;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the patched file must have of the file it replaces: mode, owner and group (when permitted),
 * and every extended attribute the kernel lets us set: user.*, security.* (SELinux labels and
 * {@code security.capability}, which needs CAP_SETFCAP) and system.posix_acl_* (ACLs). What cannot
 * be kept is returned as a warning. The setuid, setgid and sticky bits are never carried over to a
 * modified executable: the caller warns about them.
 *
 * <p>Read and applied apart: the writer reads while it writes the bytes (loading the C library
 * through JNA takes about 20 ms), and applies after the last write, because a write to a file
 * removes its {@code security.capability}.
 *
 * @param permissions null when the file system has no POSIX attributes: nothing is kept then
 * @param xattrs each extended attribute, or what reading it failed with
 */
record FileMetadata(
    Set<PosixFilePermission> permissions,
    UserPrincipal owner,
    GroupPrincipal group,
    int mode,
    List<Xattr> xattrs) {

  /** An extended attribute: its value, or the errno reading it failed with. */
  record Xattr(String name, byte[] value, int errno) {}

  /** mode and owner only where the C library cannot be called. */
  private static final LibC LIBC = LibC.INSTANCE;

  private static final int SPECIAL_BITS = 07000;

  /** The metadata of {@code from}. */
  static FileMetadata read(Path from) throws IOException {
    PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    if (view == null) {
      return new FileMetadata(null, null, null, 0, List.of());
    }
    PosixFileAttributes a = view.readAttributes();
    return new FileMetadata(a.permissions(), a.owner(), a.group(), mode(from), xattrs(from));
  }

  /**
   * Gives {@code to} this metadata.
   *
   * @return warnings about what was not kept, naming {@code name}
   */
  List<String> applyTo(Path to, String name) throws IOException {
    List<String> warnings = new ArrayList<>();
    PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (permissions == null || view == null) {
      return warnings;
    }
    view.setPermissions(permissions);
    try {
      view.setGroup(group);
      view.setOwner(owner);
    } catch (IOException e) {
      // Not permitted for a non-root user changing someone else's file: it keeps the caller's ids.
    }
    if ((mode & SPECIAL_BITS) != 0) {
      warnings.add(
          String.format(
              "%s: mode %04o: the setuid/setgid/sticky bits are not kept on the patched file (a"
                  + " modified program must not keep privileges unnoticed); set them again with"
                  + " chmod if you trust the result",
              name, mode & 07777));
    }
    // After chown: changing the owner clears security.capability.
    for (Xattr x : xattrs) {
      int errno = x.errno();
      if (errno == 0) {
        try {
          LIBC.lsetxattr(to.toString(), x.name(), x.value(), x.value().length, 0);
        } catch (LastErrorException e) {
          errno = e.getErrorCode();
        }
      }
      if (errno != 0) {
        warnings.add(
            name
                + ": extended attribute "
                + x.name()
                + " is not kept on the patched file (errno "
                + errno
                + (errno == 1 ? ": not permitted" : "")
                + ")");
      }
    }
    return warnings;
  }

  private static int mode(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 0;
    }
  }

  private static List<Xattr> xattrs(Path from) {
    if (LIBC == null) {
      return List.of();
    }
    String src = from.toString();
    List<String> names;
    try {
      names = list(src);
    } catch (LastErrorException e) {
      return List.of(); // the file system has no extended attributes
    }
    List<Xattr> out = new ArrayList<>();
    for (String attr : names) {
      try {
        out.add(new Xattr(attr, get(src, attr), 0));
      } catch (LastErrorException e) {
        out.add(new Xattr(attr, null, e.getErrorCode()));
      }
    }
    return out;
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
