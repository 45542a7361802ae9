package dev.a64patch.core.batch;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanTotals;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the regular files to scan under the paths a user named. Never opens anything: it only reads
 * attributes, so FIFOs, devices and sockets are recognised and left alone (opening a FIFO blocks).
 * Symbolic links are followed only when their target lies inside one of the named trees, so
 * scanning an unpacked container image never wanders into the host's {@code /usr/lib}; each
 * directory is entered once (by its dev+inode key), which makes link loops harmless; and each file
 * is kept once, under its best name, however many links lead to it.
 */
final class TreeWalker {
  /** A regular file to scan. {@code named}: given by the user, so problems with it are errors. */
  record Target(Path path, String name, boolean named, boolean viaLink, long size, Object key) {}

  record Walk(List<Target> targets, List<FileProblem> problems, ScanTotals totals) {}

  private record Dir(Path path, boolean viaLink) {}

  private final BatchProgress progress;
  private final List<Target> found = new ArrayList<>();
  private final List<FileProblem> problems = new ArrayList<>();
  private final Set<Object> visitedDirs = new HashSet<>();
  private final List<Path> realRoots = new ArrayList<>();
  private long directories;
  private long notRegular;
  private long outside;

  private TreeWalker(BatchProgress progress) {
    this.progress = progress;
  }

  static Walk walk(List<Path> roots, BatchProgress progress) {
    TreeWalker w = new TreeWalker(progress);
    for (Path root : roots) {
      try {
        if (Files.isDirectory(root)) {
          w.realRoots.add(root.toRealPath());
        }
      } catch (IOException e) {
        // reported below, when the root itself is visited
      }
    }
    for (Path root : roots) {
      w.visitRoot(root);
    }
    return w.result();
  }

  private void visitRoot(Path root) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(root, BasicFileAttributes.class);
    } catch (IOException e) {
      problems.add(Failures.problem(root.toString(), e));
      return;
    }
    if (a.isDirectory()) {
      walkTree(root);
    } else if (a.isRegularFile()) {
      add(new Target(root, root.toString(), true, false, a.size(), key(root, a)));
    } else {
      problems.add(
          Failures.problem(
              root.toString(),
              new FileSystemException(
                  root.toString(), null, "not a regular file (FIFO, device or socket)")));
    }
  }

  private void walkTree(Path root) {
    Deque<Dir> stack = new ArrayDeque<>();
    stack.push(new Dir(root, false));
    while (!stack.isEmpty()) {
      Dir dir = stack.pop();
      List<Path> children;
      try {
        if (!visitedDirs.add(
            key(dir.path(), Files.readAttributes(dir.path(), BasicFileAttributes.class)))) {
          continue; // reached again through a link: a loop, or a tree already walked
        }
        children = list(dir.path());
      } catch (IOException e) {
        problems.add(Failures.problem(dir.path().toString(), e));
        continue;
      }
      directories++;
      List<Dir> subdirs = new ArrayList<>();
      for (Path child : children) {
        visitChild(child, dir.viaLink(), subdirs);
      }
      for (int i = subdirs.size() - 1; i >= 0; i--) {
        stack.push(subdirs.get(i)); // popped in name order
      }
    }
  }

  private void visitChild(Path child, boolean viaLink, List<Dir> subdirs) {
    BasicFileAttributes a;
    boolean link;
    try {
      a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      link = a.isSymbolicLink();
      if (link) {
        Path real;
        try {
          real = child.toRealPath();
        } catch (IOException dangling) { // no target, or a loop of links
          notRegular++;
          return;
        }
        if (realRoots.stream().noneMatch(real::startsWith)) {
          outside++;
          return;
        }
        a = Files.readAttributes(real, BasicFileAttributes.class);
      }
    } catch (IOException e) {
      problems.add(Failures.problem(child.toString(), e));
      return;
    }
    if (a.isDirectory()) {
      subdirs.add(new Dir(child, viaLink || link));
    } else if (a.isRegularFile()) {
      add(new Target(child, child.toString(), false, viaLink || link, a.size(), key(child, a)));
    } else {
      notRegular++;
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (DirectoryIteratorException e) { // an I/O error met while listing, wrapped
      throw e.getCause();
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  private void add(Target t) {
    found.add(t);
    if ((found.size() & 255) == 0) {
      progress.walking(found.size());
    }
  }

  /** dev+inode where the file system has it (Linux always does); the absolute path elsewhere. */
  private static Object key(Path p, BasicFileAttributes a) {
    Object k = a.fileKey();
    return k != null ? k : p.toAbsolutePath().normalize().toString();
  }

  /**
   * One target per file: a named path first, then one reached without links, then the smallest
   * name.
   */
  private Walk result() {
    Comparator<Target> preference =
        Comparator.comparing((Target t) -> !t.named())
            .thenComparing(Target::viaLink)
            .thenComparing(Target::name);
    Map<Object, Target> best = new HashMap<>();
    for (Target t : found) {
      best.merge(t.key(), t, (a, b) -> preference.compare(a, b) <= 0 ? a : b);
    }
    List<Target> targets =
        best.values().stream().sorted(Comparator.comparing(Target::name)).toList();
    long duplicates = found.size() - targets.size();
    ScanTotals totals =
        new ScanTotals(targets.size(), directories, 0, 0, 0, duplicates, notRegular, outside);
    return new Walk(targets, problems, totals);
  }
}
