package dev.a64patch.core.closure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What says "this file has not changed" without reading it: size, modification time (ns) and inode.
 * A package update replaces files (new inode) or rewrites them (new size or time), so any change
 * shows; when it shows, the content hash decides whether the work must be redone.
 */
public record FileKey(long size, long mtimeNs, long inode) {
  public static FileKey of(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    Object ino;
    try {
      ino = Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      ino = 0L;
    }
    return new FileKey(
        a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), ((Number) ino).longValue());
  }

  String encode() {
    return size + "," + mtimeNs + "," + inode;
  }

  static FileKey decode(String s) {
    String[] f = s.split(",");
    return new FileKey(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
  }
}
