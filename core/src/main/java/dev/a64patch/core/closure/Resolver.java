package dev.a64patch.core.closure;

import dev.a64patch.core.closure.Closure.Edge;
import dev.a64patch.core.closure.Closure.Loaded;
import dev.a64patch.core.closure.Closure.Missing;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes the load closure of a program the way glibc's dynamic linker on aarch64 does (the search
 * order of ld.so(8) and the glibc manual; docs/prepare.md restates it):
 *
 * <ol>
 *   <li>PT_INTERP is loaded first; objects named by LD_PRELOAD next; then DT_NEEDED breadth first,
 *       in list order. A name already loaded (as a requested name, a path, or a DT_SONAME) is not
 *       loaded again, and neither is a file already loaded under another name.
 *   <li>A name with a slash is a path ($ORIGIN, $LIB and $PLATFORM expanded).
 *   <li>Otherwise, in order: DT_RPATH of the loading object, then of the object that loaded it, up
 *       to the executable (skipped entirely when the loading object has DT_RUNPATH);
 *       LD_LIBRARY_PATH (not in secure-execution mode); DT_RUNPATH of the loading object only; the
 *       ld.so.cache; the default directories. The last two are skipped for dependencies of an
 *       object linked with {@code -z nodeflib}.
 *   <li>While searching, files of another ELF class, byte order or machine are passed over, as
 *       glibc's open_verify does.
 * </ol>
 */
public final class Resolver {
  /** Reads the loader's view of a file (a seam for caching). */
  public interface Inspector {
    DynamicInfo inspect(Path file) throws IOException;

    Inspector DIRECT = file -> DynamicInfo.of(ElfFile.read(file));
  }

  private final LoaderConfig config;
  private final Inspector inspector;
  private final Searcher searcher;

  private final List<Loaded> objects = new ArrayList<>();
  private final List<Missing> missing = new ArrayList<>();
  private final List<Edge> edges = new ArrayList<>();
  private final Map<String, Integer> names = new HashMap<>();
  private final Map<Path, Integer> files = new HashMap<>();

  private Resolver(LoaderConfig config, Inspector inspector) {
    this.config = config;
    this.inspector = inspector;
    this.searcher = new Searcher(config, inspector);
  }

  /**
   * Resolves {@code program} (a path on this machine) and the objects it opens with dlopen ({@code
   * also}, paths on this machine).
   *
   * @throws IOException when the program itself cannot be read
   * @throws ElfException when the program is not an ELF file the aarch64 loader runs
   */
  public static Closure resolve(
      LoaderConfig config, Inspector inspector, Path program, List<Path> also) throws IOException {
    return new Resolver(config, inspector).run(program, also);
  }

  private Closure run(Path program, List<Path> also) throws IOException {
    Path real = program.toRealPath();
    DynamicInfo info = inspector.inspect(real);
    if (!info.compatible()) {
      throw new dev.a64patch.elf.UnsupportedElfException(
          program.toString(), info.mismatch() + ": not a program for the aarch64 loader");
    }
    String path = program.toAbsolutePath().toString();
    // The executable's $ORIGIN comes from /proc/self/exe, which the kernel resolves: the real
    // directory, not the directory of a symbolic link to it.
    add(path, real, path, -1, Via.PROGRAM, null, -1, info, real.getParent().toString());
    names.remove(path); // the main program's name matches nothing (its l_name is empty)
    if (info.interp() != null) {
      loadByPath(info.interp(), -1, Via.INTERP);
    }
    for (String p : config.preload()) {
      if (p.contains("/")) {
        if (!config.secure()) {
          loadByPath(expandPath(p, 0), -1, Via.PRELOAD);
        }
      } else {
        search(p, 0, Via.PRELOAD);
      }
    }
    breadthFirst(0);
    for (Path a : also) {
      int before = objects.size();
      loadByPath(a.toAbsolutePath().toString(), 0, Via.ALSO);
      breadthFirst(before);
    }
    return new Closure(objects, missing, edges);
  }

  private void breadthFirst(int from) {
    for (int i = from; i < objects.size(); i++) {
      Loaded o = objects.get(i);
      for (String name : o.info().needed()) {
        int to = name.contains("/") ? loadNeededPath(name, i) : search(name, i, null);
        edges.add(new Edge(i, name, to));
      }
    }
  }

  private int loadNeededPath(String name, int by) {
    Integer known = names.get(name);
    if (known != null) {
      return known;
    }
    String path = expandPath(name, by);
    if (path == null) {
      missing.add(
          new Missing(name, by, "$ORIGIN of " + objects.get(by).path() + " unknown", List.of()));
      return -1;
    }
    return loadByPath(path, by, Via.PATH, name);
  }

  private int loadByPath(String path, int by, Via via) {
    return loadByPath(path, by, via, path);
  }

  private int loadByPath(String path, int by, Via via, String name) {
    Integer known = names.get(path);
    if (known != null) {
      return known;
    }
    Optional<Path> host = config.root().find(path);
    if (host.isEmpty() || !Files.isRegularFile(host.get())) {
      missing.add(new Missing(name, by, "no such file", List.of(path)));
      return -1;
    }
    try {
      Path real = host.get().toRealPath();
      DynamicInfo info = inspector.inspect(real);
      if (!info.compatible()) {
        missing.add(new Missing(name, by, path + ": " + info.mismatch(), List.of(path)));
        return -1;
      }
      return addOrReuse(path, real, name, by, via, null, -1, info);
    } catch (IOException | UncheckedIOException | ElfException e) {
      missing.add(
          new Missing(name, by, dev.a64patch.core.failure.Failures.describe(e), List.of(path)));
      return -1;
    }
  }

  /** Looks {@code name} up for the object {@code by}; {@code rootVia} marks preloads. */
  private int search(String name, int by, Via rootVia) {
    Integer known = names.get(name);
    if (known != null) {
      return known;
    }
    Searcher.Result r = searcher.search(name, objects, by, this::origin);
    if (r.failure() != null) {
      missing.add(new Missing(name, by, r.failure(), r.tried()));
      return -1;
    }
    if (r.found() == null) {
      missing.add(new Missing(name, by, "not found", r.tried()));
      return -1;
    }
    Searcher.Found f = r.found();
    Via via = rootVia != null ? rootVia : f.via();
    return addOrReuse(
        f.path(), f.file(), name, rootVia != null ? -1 : by, via, f.dir(), f.originOf(), f.info());
  }

  private int addOrReuse(
      String path,
      Path real,
      String name,
      int by,
      Via via,
      String dir,
      int originOf,
      DynamicInfo info) {
    Integer same = files.get(real);
    if (same != null) {
      names.putIfAbsent(name, same);
      names.putIfAbsent(path, same);
      return same;
    }
    return add(path, real, name, by, via, dir, originOf, info, parentOf(path));
  }

  private final List<String> origins = new ArrayList<>();

  private int add(
      String path,
      Path real,
      String name,
      int by,
      Via via,
      String dir,
      int originOf,
      DynamicInfo info,
      String origin) {
    int index = objects.size();
    objects.add(new Loaded(index, path, real, name, by, via, dir, originOf, info));
    origins.add(origin);
    files.put(real, index);
    names.putIfAbsent(name, index);
    names.putIfAbsent(path, index);
    if (info.soname() != null) {
      names.putIfAbsent(info.soname(), index);
    }
    return index;
  }

  /** The $ORIGIN of object {@code index}: the directory of the path it was opened by. */
  private String origin(int index) {
    return index < 0 ? null : origins.get(index);
  }

  private String expandPath(String path, int by) {
    return Searcher.expand(path, origin(by), config);
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    if (slash < 0) {
      return ".";
    }
    return slash == 0 ? "/" : path.substring(0, slash);
  }
}
