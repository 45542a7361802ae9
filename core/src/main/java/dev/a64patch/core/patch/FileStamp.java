package dev.a64patch.core.patch;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * What identifies one version of a file: device and inode, size, modification and change time. A
 * file renamed over, truncated or rewritten in place gets a different stamp (the change time moves
 * even when a writer restores the modification time), so a writer can tell that the file it parsed
 * is no longer the one at the path before it replaces it.
 */
public record FileStamp(Object key, long size, Object modified, Object changed) {

  public static FileStamp of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    Object ctime;
    try {
      ctime = Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      ctime = null; // not a Unix file system view: inode, size and mtime must do
    }
    return new FileStamp(a.fileKey(), a.size(), a.lastModifiedTime(), ctime);
  }

  /**
   * @throws FileSystemException naming {@code path} when it no longer is the file this stamp was
   *     taken from
   */
  public void requireUnchanged(Path path) throws IOException {
    FileStamp now;
    try {
      now = of(path);
    } catch (IOException e) {
      throw changed(path, "disappeared");
    }
    if (!Objects.equals(key, now.key)) {
      throw changed(path, "was replaced by another file");
    }
    if (size != now.size) {
      throw changed(path, "changed size from " + size + " to " + now.size + " bytes");
    }
    if (!Objects.equals(modified, now.modified) || !Objects.equals(changed, now.changed)) {
      throw changed(path, "was rewritten");
    }
  }

  static FileSystemException changed(Path path, String how) {
    return new FileSystemException(
        path.toString(),
        null,
        how
            + " while a64patch was working on it (another a64patch, a build or a copy?);"
            + " nothing was written, run again once it is stable");
  }
}
