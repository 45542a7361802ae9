package dev.a64patch.core.closure;

import dev.a64patch.core.closure.Closure.Loaded;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.elf.ElfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/** The search for one DT_NEEDED name without a slash, step by step (see {@link Resolver}). */
final class Searcher {
  record Found(String path, Path file, Via via, String dir, int originOf, DynamicInfo info) {}

  /**
   * The object found, or null; {@code failure} when a candidate stopped the search (glibc: fatal).
   */
  record Result(Found found, String failure, List<String> tried) {}

  private final LoaderConfig config;
  private final Resolver.Inspector inspector;
  private Optional<LdCache> cache;
  private List<String> confDirs;

  Searcher(LoaderConfig config, Resolver.Inspector inspector) {
    this.config = config;
    this.inspector = inspector;
  }

  Result search(String name, List<Loaded> objects, int loader, IntFunction<String> origin) {
    List<String> tried = new ArrayList<>();
    Loaded l = objects.get(loader);
    try {
      Found f = null;
      if (l.info().runpath() == null) {
        boolean didMain = false;
        for (int i = loader; i >= 0 && f == null; i = objects.get(i).by()) {
          f = fromList(name, objects.get(i).info().rpath(), i, Via.RPATH, origin, tried);
          didMain |= i == 0;
        }
        if (f == null && !didMain) {
          f = fromList(name, objects.get(0).info().rpath(), 0, Via.RPATH, origin, tried);
        }
      }
      if (f == null && !config.secure()) {
        f =
            inDirs(
                name,
                expandAll(config.libraryPath(), origin.apply(0)),
                Via.LD_LIBRARY_PATH,
                -1,
                tried);
      }
      if (f == null) {
        f = fromList(name, l.info().runpath(), loader, Via.RUNPATH, origin, tried);
      }
      if (f == null && !l.info().nodeflib()) {
        f = fromCache(name, tried);
        if (f == null) {
          f = inDirs(name, confDirs(), Via.LD_SO_CONF, -1, tried);
        }
        if (f == null) {
          f = inDirs(name, LoaderConfig.DEFAULT_DIRS, Via.DEFAULT, -1, tried);
        }
      }
      return new Result(f, null, tried);
    } catch (IOException | UncheckedIOException | ElfException e) {
      return new Result(null, Failures.describe(e), tried);
    }
  }

  /** Searches one DT_RPATH/DT_RUNPATH list, each element expanded with its owner's $ORIGIN. */
  private Found fromList(
      String name, String list, int owner, Via via, IntFunction<String> origin, List<String> tried)
      throws IOException {
    if (list == null) {
      return null;
    }
    for (String element : list.split(":", -1)) {
      String d = expand(element.isEmpty() ? "." : element, origin.apply(owner), config);
      boolean fromOrigin = element.contains("$ORIGIN") || element.contains("${ORIGIN}");
      Found f = d == null ? null : inDirs(name, List.of(d), via, fromOrigin ? owner : -1, tried);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private Found inDirs(String name, List<String> dirs, Via via, int owner, List<String> tried)
      throws IOException {
    for (String raw : dirs) {
      String dir = trim(raw);
      String path = (dir.equals("/") ? "" : dir) + "/" + name;
      Optional<Path> host = config.root().find(path);
      if (host.isEmpty() || !Files.isRegularFile(host.get())) {
        tried.add(path + " (" + via.label() + ")");
        continue;
      }
      Path real = host.get().toRealPath();
      DynamicInfo info = inspector.inspect(real);
      if (!info.compatible()) {
        tried.add(path + " (" + via.label() + "; passed over: " + info.mismatch() + ")");
        continue;
      }
      return new Found(path, real, via, dir, owner, info);
    }
    return null;
  }

  private Found fromCache(String name, List<String> tried) throws IOException {
    Optional<String> p = cache().flatMap(c -> c.lookup(name));
    if (p.isEmpty()) {
      return null;
    }
    String path = p.get();
    int slash = path.lastIndexOf('/');
    return inDirs(
        path.substring(slash + 1),
        List.of(slash <= 0 ? "/" : path.substring(0, slash)),
        Via.LD_SO_CACHE,
        -1,
        tried);
  }

  private Optional<LdCache> cache() {
    if (cache == null) {
      try {
        Optional<Path> file = config.root().find("/etc/ld.so.cache");
        cache = file.isEmpty() ? Optional.empty() : LdCache.read(file.get());
      } catch (IOException | LdCache.CacheFormatException e) {
        cache = Optional.empty(); // the loader ignores a cache it cannot use
      }
    }
    return cache;
  }

  /** ld.so.conf directories, only for a root without its own cache. */
  private List<String> confDirs() throws IOException {
    if (confDirs == null) {
      Sysroot root = config.root();
      boolean ownCache = root.isSet() && Files.exists(Path.of(root.dir() + "/etc/ld.so.cache"));
      confDirs = root.isSet() && !ownCache ? LdSoConf.directories(root) : List.of();
    }
    return confDirs;
  }

  private List<String> expandAll(List<String> dirs, String origin) {
    List<String> out = new ArrayList<>();
    for (String d : dirs) {
      String e = expand(d, origin, config);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  private static String trim(String dir) {
    String d = dir;
    while (d.length() > 1 && d.endsWith("/")) {
      d = d.substring(0, d.length() - 1);
    }
    return d;
  }

  /**
   * Expands the dynamic string tokens $ORIGIN, $LIB and $PLATFORM (also in braces). Returns null
   * when $ORIGIN is needed but unknown: glibc drops such an element.
   */
  static String expand(String s, String origin, LoaderConfig config) {
    if (!s.contains("$")) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      String rest = s.substring(i + 1);
      String[][] tokens = {
        {"ORIGIN", origin}, {"PLATFORM", config.platform()}, {"LIB", config.lib()}
      };
      boolean matched = false;
      for (String[] t : tokens) {
        int len = tokenLength(rest, t[0]);
        if (len > 0) {
          if (t[1] == null) {
            return null;
          }
          out.append(t[1]);
          i += 1 + len;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** Length of {@code name} or {@code {name}} at the start of {@code s}, or 0. */
  private static int tokenLength(String s, String name) {
    if (s.startsWith("{" + name + "}")) {
      return name.length() + 2;
    }
    if (s.startsWith(name)) {
      int end = name.length();
      boolean ident =
          end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_');
      return ident ? 0 : end;
    }
    return 0;
  }
}
