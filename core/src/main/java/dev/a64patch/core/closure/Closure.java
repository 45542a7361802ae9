package dev.a64patch.core.closure;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The objects the loader maps for a program, in load order (program, interpreter, preloads, then
 * DT_NEEDED breadth first, then the {@code --also} objects and their closures), the dependencies it
 * cannot find, and every DT_NEEDED edge.
 */
public record Closure(List<Loaded> objects, List<Missing> missing, List<Edge> edges) {
  public Closure {
    objects = List.copyOf(objects);
    missing = List.copyOf(missing);
    edges = List.copyOf(edges);
  }

  /**
   * One object.
   *
   * @param index position in load order
   * @param path the path the loader opened, as it sees it (under the root with --root)
   * @param file the file on this machine (real path)
   * @param name the name it was asked for (DT_NEEDED, preload entry, path)
   * @param by index of the object whose DT_NEEDED it satisfied first, or -1
   * @param via which search step found it
   * @param dir the search directory that held it, as expanded, or null
   * @param originOf index of the object whose $ORIGIN that directory was expanded from, or -1
   */
  public record Loaded(
      int index,
      String path,
      Path file,
      String name,
      int by,
      Via via,
      String dir,
      int originOf,
      DynamicInfo info) {}

  /** A dependency that cannot be loaded, with every path tried. */
  public record Missing(String name, int by, String reason, List<String> tried) {
    public Missing {
      tried = List.copyOf(tried);
    }
  }

  /** DT_NEEDED {@code name} of object {@code from} is object {@code to} (-1: missing). */
  public record Edge(int from, String name, int to) {}

  public Loaded get(int index) {
    return objects.get(index);
  }

  public Optional<Loaded> byFile(Path realFile) {
    return objects.stream().filter(o -> o.file().equals(realFile)).findFirst();
  }

  public Loaded program() {
    return objects.get(0);
  }
}
