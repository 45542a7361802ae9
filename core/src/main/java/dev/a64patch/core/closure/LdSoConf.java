package dev.a64patch.core.closure;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The directories {@code /etc/ld.so.conf} names, with its {@code include} lines (glob patterns,
 * relative to the directory of the file that includes them), as ldconfig reads it. Used only for a
 * root that has no {@code /etc/ld.so.cache} (an unpacked image in which ldconfig never ran): these
 * are the directories whose libraries ldconfig would put in the cache. Read from the root only: the
 * host's own configuration says nothing about an image.
 */
public final class LdSoConf {
  private LdSoConf() {}

  public static List<String> directories(Sysroot root) throws IOException {
    List<String> out = new ArrayList<>();
    read("/etc/ld.so.conf", root, out, new HashSet<>());
    return out;
  }

  private static void read(String conf, Sysroot root, List<String> out, Set<Path> seen)
      throws IOException {
    var file = root.findInRoot(conf);
    if (file.isEmpty() || !Files.isRegularFile(file.get()) || !seen.add(file.get().toRealPath())) {
      return;
    }
    for (String raw : Files.readAllLines(file.get())) {
      String line = raw.replaceFirst("#.*", "").trim();
      if (line.isEmpty() || line.startsWith("hwcap ")) {
        continue;
      }
      if (line.startsWith("include")
          && line.length() > 7
          && Character.isWhitespace(line.charAt(7))) {
        for (String pattern : line.substring(8).trim().split("\\s+")) {
          String abs = pattern.startsWith("/") ? pattern : parent(conf) + "/" + pattern;
          for (String f : glob(abs, root)) {
            read(f, root, out, seen);
          }
        }
        continue;
      }
      // A line may hold several directories separated by spaces, tabs, commas or colons.
      for (String dir : line.split("[\\s,:=]+")) {
        if (dir.startsWith("/") && !out.contains(dir)) {
          out.add(dir);
        }
      }
    }
  }

  /** Expands a glob in the last path component only, as ld.so.conf files use it. */
  private static List<String> glob(String pattern, Sysroot root) throws IOException {
    String dir = parent(pattern);
    String leaf = pattern.substring(dir.length() + 1);
    if (!leaf.contains("*") && !leaf.contains("?") && !leaf.contains("[")) {
      return List.of(pattern);
    }
    var hostDir = root.findInRoot(dir.isEmpty() ? "/" : dir);
    if (hostDir.isEmpty() || !Files.isDirectory(hostDir.get())) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(hostDir.get(), leaf)) {
      for (Path p : s) {
        out.add(dir + "/" + p.getFileName());
      }
    }
    out.sort(null);
    return out;
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "" : path.substring(0, slash);
  }
}
