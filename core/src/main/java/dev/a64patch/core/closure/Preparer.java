package dev.a64patch.core.closure;

import dev.a64patch.core.closure.Closure.Edge;
import dev.a64patch.core.closure.Closure.Loaded;
import dev.a64patch.core.closure.Preparation.Action;
import dev.a64patch.core.closure.Preparation.Row;
import dev.a64patch.core.patch.ClockLibrary;
import dev.a64patch.core.patch.Strategy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * {@code a64patch prepare}: makes a program replay-ready without writing outside one directory.
 *
 * <ol>
 *   <li>Resolve the closure as the loader will ({@link Resolver}), with the root, LD_LIBRARY_PATH
 *       and --also objects of the request.
 *   <li>Scan every object (from the index when its file is unchanged); each one whose plan rewrites
 *       a site gets a patched copy in the output directory, under the name the loader asks for.
 *   <li>Resolve again as the loader will with the prepared environment (LD_LIBRARY_PATH = the
 *       output directory first). Where the original still wins — a DT_RPATH searched before
 *       LD_LIBRARY_PATH — preload the copy by path: a loaded object whose DT_SONAME matches a later
 *       DT_NEEDED name satisfies it. Where a name no longer resolves as before — an $ORIGIN that
 *       moved with a copied object — link the original into the output directory. Repeat until the
 *       prepared closure is the original one with every copy in place; anything that still differs
 *       is reported as left, with the command that patches it in place.
 *   <li>When any copy counts with the {@code counter} strategy, write the shared-clock runtime
 *       library ({@link ClockLibrary}) and preload it first, so that every patched object of the
 *       process binds its clock import to one counter (docs/design.md, section 12).
 *   <li>Remove entries nobody needs any more; write {@code env} and the index only when they
 *       change, so an unchanged program is prepared again without writing a byte.
 * </ol>
 */
public final class Preparer {
  static final String ENV_FILE = "env";
  private static final int SETID = 04000 | 02000;

  /** The runtime library of one clock per process; closures are little-endian (DynamicInfo). */
  private static final RuntimeFile CLOCK =
      new RuntimeFile(ClockLibrary.SONAME, ClockLibrary.bytes(true));

  private final PrepareRequest req;
  private final Path out;
  private final Facts facts;
  private final PrepareIndex index;
  private final Map<String, PrepareIndex.Output> used = new HashMap<>();
  private List<RuntimeFile> runtime = List.of();
  private int written;

  private Preparer(PrepareRequest req, Path out, PrepareIndex index) {
    this.req = req;
    this.out = out;
    this.index = index;
    this.facts = new Facts(index, req.options());
  }

  /** Per-object decision. */
  private static final class State {
    Facts.Counts counts;
    String outName;
    String left;
    boolean preloaded;
    boolean fresh;

    /** A left object whose copy is still useful (the dynamic linker, started by hand). */
    boolean keepCopy;

    boolean copy() {
      return outName != null && left == null;
    }
  }

  public static Preparation prepare(PrepareRequest req) throws IOException {
    Path program = req.program();
    if (!Files.isRegularFile(program)) {
      throw new java.nio.file.NoSuchFileException(program.toString(), null, "no such program");
    }
    Path out = req.output() != null ? req.output() : defaultOutput(req);
    Files.createDirectories(out);
    out = out.toRealPath();
    return new Preparer(req, out, PrepareIndex.load(out)).run();
  }

  /** The per-user cache directory for this program and these options. */
  public static Path defaultOutput(PrepareRequest req) {
    String key =
        String.join(
            "\n",
            req.program().toAbsolutePath().normalize().toString(),
            String.valueOf(req.root() == null ? "" : req.root().toAbsolutePath().normalize()),
            String.join(":", req.effectiveLibraryPath()),
            req.also().stream()
                .map(p -> p.toAbsolutePath().normalize().toString())
                .toList()
                .toString(),
            req.runtime().stream().map(RuntimeFile::name).toList().toString(),
            Facts.fingerprint(req.options()));
    String hash = sha256(key).substring(0, 16);
    return req.cacheHome().resolve("prepare").resolve(hash + "-" + req.program().getFileName());
  }

  private Preparation run() throws IOException {
    Sysroot root = req.root() == null ? Sysroot.NONE : new Sysroot(req.root());
    List<String> libPath = req.effectiveLibraryPath();
    boolean secure = isSetId(req.program());
    List<Path> also = expandAlso(req.also());
    LoaderConfig base = LoaderConfig.of(root, libPath).with(libPath, List.of(), secure);
    Closure c = Resolver.resolve(base, facts, req.program(), also);

    State[] st = decide(c, secure);
    runtime = runtimeFiles(c, st);
    writeRuntime();
    for (int i = 0; i < st.length; i++) {
      if (st[i].copy() || st[i].keepCopy) {
        st[i].fresh = ensureCopy(st[i].outName, c.get(i).file(), st[i].counts);
      }
    }
    List<String> preload = settle(c, st, base, libPath, also);
    removeStale();

    Map<String, String> env = new LinkedHashMap<>();
    List<String> dirs = new ArrayList<>();
    dirs.add(out.toString());
    dirs.addAll(libPath);
    env.put("LD_LIBRARY_PATH", String.join(":", dirs));
    List<String> preloads = new ArrayList<>();
    preloads.addAll(runtimePaths());
    preloads.addAll(preload);
    if (!preloads.isEmpty()) {
      env.put("LD_PRELOAD", String.join(":", preloads));
    }
    Path run = st[0].copy() ? out.resolve(st[0].outName) : req.program();
    List<Path> provided = runtime.stream().map(r -> out.resolve(r.name())).toList();
    Preparation p =
        new Preparation(out, env, run, provided, rows(c, st), commands(c, st), 0, facts.scanned());
    writeIfChanged(out.resolve(ENV_FILE), p.envFile());
    index.outputs.keySet().retainAll(used.keySet());
    index.facts.keySet().retainAll(facts.seen());
    writeIfChanged(out.resolve(PrepareIndex.FILE), index.serialize());
    return new Preparation(
        out, env, run, provided, p.rows(), p.commands(), written, facts.scanned());
  }

  private State[] decide(Closure c, boolean secure) throws IOException {
    State[] st = new State[c.objects().size()];
    Map<String, Integer> names = new HashMap<>();
    for (Loaded o : c.objects()) {
      State s = new State();
      st[o.index()] = s;
      s.counts = facts.counts(o.file());
      if (s.counts.error() != null) {
        s.left = s.counts.error();
        s.outName = "-";
        continue;
      }
      if (s.counts.rewrites() == 0) {
        continue;
      }
      s.outName = outName(o);
      Integer other = names.putIfAbsent(s.outName, o.index());
      if (secure) {
        s.left =
            "setuid/setgid program: in secure-execution mode the loader ignores LD_LIBRARY_PATH and"
                + " preloads given by path";
      } else if (o.via() == Via.INTERP) {
        s.keepCopy = true;
        s.left =
            "the dynamic linker itself: no variable replaces it (start the program as "
                + out.resolve(s.outName)
                + " PROGRAM, or patch it in place)";
      } else if (o.via() == Via.PATH) {
        s.left = "loaded by its path (DT_NEEDED \"" + o.name() + "\"), which no search reaches";
      } else if (other != null) {
        s.left = "another object of the closure is also named " + s.outName;
      }
    }
    return st;
  }

  /**
   * The name the loader looks for: the DT_NEEDED name; the executable's own file name; for an
   * object opened with dlopen, its DT_SONAME (the name a dlopen by name normally uses), else its
   * file name.
   */
  private static String outName(Loaded o) {
    String n =
        switch (o.via()) {
          case PROGRAM, INTERP -> Path.of(o.path()).getFileName().toString();
          case ALSO ->
              o.info().soname() != null
                  ? o.info().soname()
                  : Path.of(o.path()).getFileName().toString();
          default -> o.name();
        };
    int slash = n.lastIndexOf('/');
    return slash >= 0 ? n.substring(slash + 1) : n;
  }

  /**
   * Resolves the prepared environment until it loads every copy in place of its original and
   * everything else as before; returns the preload list.
   */
  private List<String> settle(
      Closure c, State[] st, LoaderConfig base, List<String> libPath, List<Path> also)
      throws IOException {
    List<String> preload = new ArrayList<>();
    Map<String, Path> links = new HashMap<>();
    for (int round = 0; round <= 2 * c.objects().size() + 1; round++) {
      List<String> dirs = new ArrayList<>();
      dirs.add(out.toString());
      dirs.addAll(libPath);
      List<String> pre = new ArrayList<>();
      pre.addAll(runtimePaths());
      pre.addAll(preload);
      Path program = st[0].copy() ? out.resolve(st[0].outName) : req.program();
      List<Path> alsoRun = new ArrayList<>();
      for (Loaded o : c.objects()) {
        if (o.via() == Via.ALSO) {
          alsoRun.add(
              st[o.index()].copy() ? out.resolve(st[o.index()].outName) : Path.of(o.path()));
        }
      }
      Closure sim = Resolver.resolve(base.with(dirs, pre, false), facts, program, alsoRun);
      Map<String, Path> simFiles = new HashMap<>();
      Map<String, String> simPaths = new HashMap<>();
      for (Edge e : sim.edges()) {
        simFiles.putIfAbsent(e.name(), e.to() < 0 ? null : sim.get(e.to()).file());
        simPaths.putIfAbsent(e.name(), e.to() < 0 ? null : sim.get(e.to()).path());
      }
      boolean changed = false;
      for (Edge e : c.edges()) {
        if (e.to() < 0) {
          continue;
        }
        Loaded o = c.get(e.to());
        State s = st[o.index()];
        Path expected = s.copy() ? out.resolve(s.outName).toRealPath() : o.file();
        Path actual = simFiles.get(e.name());
        if (Objects.equals(expected, actual)) {
          if (!s.copy() && isLinkInOut(simPaths.get(e.name())) && !links.containsKey(e.name())) {
            // an earlier run's link is what keeps this name resolving: keep it
            links.put(e.name(), o.file());
            ensureLink(e.name(), o.file());
            s.outName = e.name();
          }
          continue;
        }
        boolean byName = !e.name().contains("/");
        if (s.copy()) {
          String copy = out.resolve(s.outName).toString();
          boolean canPreload = byName && e.name().equals(o.info().soname());
          if (canPreload && !preload.contains(copy)) {
            preload.add(copy);
            s.preloaded = true;
            changed = true;
          } else {
            s.left =
                "the loader finds "
                    + (actual == null ? "nothing" : actual)
                    + " for \""
                    + e.name()
                    + "\" before the copy"
                    + (canPreload
                        ? ""
                        : " (and its DT_SONAME differs, so a preload cannot stand in)");
          }
        } else if (byName && !links.containsKey(e.name()) && st[o.index()].outName == null) {
          links.put(e.name(), o.file());
          ensureLink(e.name(), o.file());
          s.outName = e.name();
          changed = true;
        } else if (s.left == null) {
          s.left =
              "in the prepared environment \""
                  + e.name()
                  + "\" resolves to "
                  + (actual == null ? "nothing" : actual);
          s.outName = "-";
        }
      }
      if (!changed) {
        return preload;
      }
    }
    return preload;
  }

  private boolean isLinkInOut(String path) {
    if (path == null) {
      return false;
    }
    Path p = Path.of(path);
    return out.equals(p.toAbsolutePath().getParent()) && Files.isSymbolicLink(p);
  }

  /**
   * The files a64patch provides to this program, in preload order: the shared-clock library first
   * when the program is dynamically linked and at least one object the process loads is patched
   * with the {@code counter} strategy — a copy written now, or an object patched in place before
   * (by {@code a64patch patch} or a build) — since each such object imports the clock weakly and,
   * without a definition, counts on its own; then the request's own.
   */
  private List<RuntimeFile> runtimeFiles(Closure c, State[] st) {
    List<RuntimeFile> files = new ArrayList<>();
    boolean dynamic = c.objects().stream().anyMatch(o -> o.via() == Via.INTERP);
    boolean copied =
        req.options().strategy() == Strategy.COUNTER
            && java.util.Arrays.stream(st).anyMatch(s -> s.copy() && s.counts.rewrites() > 0);
    boolean inPlace = java.util.Arrays.stream(st).anyMatch(s -> s.counts.importsClock());
    if (dynamic && (copied || inPlace)) {
      files.add(CLOCK);
    }
    files.addAll(req.runtime());
    return files;
  }

  /** Writes the runtime files a64patch provides (only when their content changed). */
  private void writeRuntime() throws IOException {
    for (RuntimeFile r : runtime) {
      Path target = out.resolve(r.name());
      if (Files.isSymbolicLink(target)) {
        Files.delete(target); // never write through a link
      }
      writeIfChanged(target, r.content());
      used.put(
          r.name(),
          new PrepareIndex.Output("runtime", "a64patch", null, null, new FileKey(0, 0, 0)));
    }
  }

  private List<String> runtimePaths() {
    return runtime.stream().map(r -> out.resolve(r.name()).toString()).toList();
  }

  /** Writes (or keeps) the patched copy {@code name}; true when it was written now. */
  private boolean ensureCopy(String name, Path source, Facts.Counts counts) throws IOException {
    Path target = out.resolve(name);
    PrepareIndex.Output rec = index.outputs.get(name);
    if (rec != null
        && "copy".equals(rec.kind())
        && source.toString().equals(rec.source())
        && Objects.equals(counts.sha256(), rec.sha256())
        && facts.fingerprint().equals(rec.fingerprint())
        && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
        && FileKey.of(target).equals(rec.written())) {
      used.put(name, rec);
      return false;
    }
    // Never write through a link left by an earlier run: it points at an original.
    Files.deleteIfExists(target);
    dev.a64patch.core.patch.Patcher.patch(
        source, target, req.options(), false, dev.a64patch.core.patch.PatchWriter.Hooks.NONE);
    written++;
    PrepareIndex.Output now =
        new PrepareIndex.Output(
            "copy", source.toString(), counts.sha256(), facts.fingerprint(), FileKey.of(target));
    index.outputs.put(name, now);
    used.put(name, now);
    return true;
  }

  /** Links the original {@code source} into the output directory as {@code name} (relative). */
  private void ensureLink(String name, Path source) throws IOException {
    Path target = out.resolve(name);
    Path rel = out.relativize(source);
    PrepareIndex.Output now =
        new PrepareIndex.Output("link", source.toString(), null, null, new FileKey(0, 0, 0));
    used.put(name, now);
    index.outputs.put(name, now);
    if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(rel)) {
      return;
    }
    Files.deleteIfExists(target);
    Files.createSymbolicLink(target, rel);
    written++;
  }

  private void removeStale() throws IOException {
    try (Stream<Path> s = Files.list(out)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") || n.equals(ENV_FILE) || used.containsKey(n)) {
          continue;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        Files.delete(p);
        written++;
      }
    }
  }

  private void writeIfChanged(Path file, String content) throws IOException {
    writeIfChanged(file, content.getBytes(StandardCharsets.UTF_8));
  }

  private void writeIfChanged(Path file, byte[] bytes) throws IOException {
    if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) {
      return;
    }
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    written++;
  }

  private List<Row> rows(Closure c, State[] st) {
    List<Row> rows = new ArrayList<>();
    for (Loaded o : c.objects()) {
      State s = st[o.index()];
      Action a;
      Path copy = null;
      String detail = "";
      if (s.left != null) {
        a = Action.LEFT;
        detail = s.left;
        copy = s.keepCopy ? out.resolve(s.outName) : null;
      } else if (s.copy() && s.counts.rewrites() > 0) {
        a = s.fresh ? Action.PATCHED : Action.CACHED;
        copy = out.resolve(s.outName);
        if (s.preloaded) {
          detail = "preloaded: DT_RPATH finds the original before LD_LIBRARY_PATH";
        } else if (o.via() == Via.ALSO) {
          detail =
              "found when the program dlopens \""
                  + s.outName
                  + "\" by name; a dlopen by path loads the original (a64patch patch "
                  + o.file()
                  + ")";
        } else if (o.via() == Via.PROGRAM) {
          detail = "run the copy";
        }
      } else if (s.copy()) {
        a = Action.LINKED;
        copy = out.resolve(s.outName);
        detail = "its $ORIGIN-relative path moved with a patched copy";
      } else {
        a = Action.NONE;
      }
      long reads = s.counts.reads();
      if (a == Action.NONE && reads > 0 && s.counts.rewrites() == 0) {
        detail = "reads left alone by the plan (uncertain sites; see a64patch patch --dry-run)";
      }
      rows.add(
          new Row(
              o.path(),
              o.name(),
              o.via(),
              reads,
              s.counts.rewrites(),
              a,
              copy,
              s.preloaded,
              detail,
              List.of()));
    }
    for (Closure.Missing m : c.missing()) {
      String by = m.by() >= 0 ? " (needed by " + c.get(m.by()).path() + ")" : "";
      rows.add(
          new Row(
              m.name(),
              m.name(),
              null,
              -1,
              0,
              Action.MISSING,
              null,
              false,
              m.reason() + by,
              m.tried()));
    }
    return rows;
  }

  private static List<String> commands(Closure c, State[] st) {
    List<String> files = new ArrayList<>();
    for (Loaded o : c.objects()) {
      State s = st[o.index()];
      if (s.left != null && s.counts.rewrites() > 0) {
        files.add(o.file().toString());
      }
    }
    return files.isEmpty() ? List.of() : List.of("a64patch patch " + String.join(" ", files));
  }

  static List<Path> expandAlso(List<Path> also) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path a : also) {
      if (Files.isDirectory(a)) {
        try (Stream<Path> s = Files.walk(a)) {
          for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
            // In a directory, only what the aarch64 loader could open: ELF files of other
            // machines (a bundle for several architectures) are not plugins of this program.
            if (Facts.isElf(p) && aarch64(p)) {
              out.add(p);
            }
          }
        }
      } else if (Files.isRegularFile(a)) {
        out.add(a);
      } else {
        throw new java.nio.file.NoSuchFileException(
            a.toString(), null, "--also: no such file or directory");
      }
    }
    return out;
  }

  private static boolean aarch64(Path p) throws IOException {
    try {
      return Resolver.Inspector.DIRECT.inspect(p).compatible();
    } catch (dev.a64patch.elf.ElfException e) {
      return true; // malformed: let the resolver report it
    }
  }

  private static boolean isSetId(Path program) {
    try {
      int mode = (Integer) Files.getAttribute(program, "unix:mode");
      return (mode & SETID) != 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  static String sha256(String s) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
