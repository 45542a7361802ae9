package dev.a64patch.core.closure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.a64patch.core.closure.Closure.Loaded;
import dev.a64patch.testing.ClosureRoot;
import dev.a64patch.testing.ClosureRoot.Traced;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The resolver against glibc's own loader: for every closure fixture, the objects it computes (name
 * and path, in load order) and the names it cannot find are exactly what {@code
 * LD_TRACE_LOADED_OBJECTS=1} (ldd's mechanism) prints when the program is run under qemu with the
 * same root and LD_LIBRARY_PATH.
 */
class ResolverTest {
  @TempDir static Path tmp;
  static Path root;

  @BeforeAll
  static void root() throws IOException {
    root = ClosureRoot.build(tmp);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("opt/app/bin/chain", ""),
        Arguments.of("opt/app/bin/selfread", ""),
        Arguments.of("opt/app/bin/plugin-host", ""),
        Arguments.of("opt/rp/bin/rpath-prog", ""),
        // DT_RPATH is searched before LD_LIBRARY_PATH: the original libmid and libtick still win
        Arguments.of("opt/rp/bin/rpath-prog", "/opt/app/lib"),
        Arguments.of("opt/rn/bin/runpath-prog", ""),
        // LD_LIBRARY_PATH is searched before DT_RUNPATH
        Arguments.of("opt/rn/bin/runpath-prog", "/opt/app/lib"),
        Arguments.of("opt/lp/bin/lp-prog", ""),
        Arguments.of("opt/lp/bin/lp-prog", "/opt/extra/lib"),
        Arguments.of("opt/lp/bin/lp-prog", "/nonexistent::/opt/extra/lib"),
        Arguments.of("opt/app/bin/missing-prog", "/opt/app/lib"));
  }

  @ParameterizedTest(name = "{0} LD_LIBRARY_PATH={1}")
  @MethodSource("cases")
  void sameAsGlibc(String program, String libraryPath) throws IOException {
    Path prog = root.resolve(program);
    LoaderConfig config =
        LoaderConfig.of(new Sysroot(root), LoaderConfig.splitLibraryPath(libraryPath));
    Closure c = Resolver.resolve(config, Resolver.Inspector.DIRECT, prog, List.of());
    Map<String, String> env =
        libraryPath.isEmpty() ? Map.of() : Map.of("LD_LIBRARY_PATH", libraryPath);
    assertEquals(glibc(prog, env), ours(c), "closure of " + program);
  }

  @Test
  void ldSoCacheOfTheRootIsUsed() throws IOException {
    Path ldconfig = Corpus.root().resolve("root/sbin/ldconfig");
    assumeTrue(Files.isRegularFile(ldconfig), "corpus has no sbin/ldconfig (package libc-bin)");
    Path r = ClosureRoot.build(tmp.resolve("cache"));
    Files.createDirectories(r.resolve("etc"));
    Files.writeString(r.resolve("etc/ld.so.conf"), "/opt/extra/lib\n");
    Tools.Result made =
        Tools.run(
            List.of(
                Tools.require("qemu-aarch64").toString(),
                ldconfig.toString(),
                "-X",
                "-r",
                r.toString()),
            Duration.ofSeconds(60));
    assertEquals(0, made.exitCode(), made.describe());
    Path prog = r.resolve("opt/lp/bin/lp-prog");
    Closure c =
        Resolver.resolve(
            LoaderConfig.of(new Sysroot(r), List.of()), Resolver.Inspector.DIRECT, prog, List.of());
    assertEquals(glibc(r, prog, Map.of()), ours(c));
    Loaded extra =
        c.objects().stream().filter(o -> o.name().equals("libextra.so")).findFirst().orElseThrow();
    assertEquals(Via.LD_SO_CACHE, extra.via());

    // Without the cache, ld.so.conf names the directory ldconfig would have indexed.
    Files.delete(r.resolve("etc/ld.so.cache"));
    Closure noCache =
        Resolver.resolve(
            LoaderConfig.of(new Sysroot(r), List.of()), Resolver.Inspector.DIRECT, prog, List.of());
    Loaded viaConf =
        noCache.objects().stream()
            .filter(o -> o.name().equals("libextra.so"))
            .findFirst()
            .orElseThrow();
    assertEquals(Via.LD_SO_CONF, viaConf.via());
    assertEquals("/opt/extra/lib/libextra.so", viaConf.path());
  }

  @Test
  void missingLibraryListsThePathsTried() throws IOException {
    Path prog = root.resolve("opt/app/bin/missing-prog");
    Closure c =
        Resolver.resolve(
            LoaderConfig.of(new Sysroot(root), List.of("/opt/app/lib")),
            Resolver.Inspector.DIRECT,
            prog,
            List.of());
    assertEquals(1, c.missing().size());
    var m = c.missing().get(0);
    assertEquals("libnothere.so", m.name());
    assertEquals(
        List.of(
            "/opt/app/lib/libnothere.so (LD_LIBRARY_PATH)",
            "/lib/aarch64-linux-gnu/libnothere.so (default directories)",
            "/usr/lib/aarch64-linux-gnu/libnothere.so (default directories)",
            "/lib/libnothere.so (default directories)",
            "/usr/lib/libnothere.so (default directories)"),
        m.tried());
  }

  @Test
  void alsoAddsAPluginAndItsClosure() throws IOException {
    Path prog = root.resolve("opt/app/bin/plugin-host");
    Path plugin = root.resolve("opt/app/plugins/libplugin.so");
    Closure c =
        Resolver.resolve(
            LoaderConfig.of(new Sysroot(root), List.of()),
            Resolver.Inspector.DIRECT,
            prog,
            List.of(plugin));
    List<String> names = c.objects().stream().map(o -> o.via() + " " + o.name()).toList();
    assertTrue(names.contains("ALSO " + plugin), names.toString());
    Loaded tick =
        c.objects().stream().filter(o -> o.name().equals("libtick.so")).findFirst().orElseThrow();
    assertEquals(Via.RUNPATH, tick.via());
    assertEquals(root.resolve("opt/app/lib/libtick.so").toRealPath(), tick.file());
  }

  @Test
  void gav1DecodeFromTheDebianCorpus() throws IOException {
    Path corpusUsr = Corpus.root().resolve("root/usr");
    assumeTrue(
        Files.isRegularFile(corpusUsr.resolve("bin/gav1_decode")),
        "corpus has no usr/bin/gav1_decode (package libgav1-bin)");
    Path r = ClosureRoot.build(tmp.resolve("gav1"));
    Files.createSymbolicLink(r.resolve("usr"), corpusUsr);
    Path prog = r.resolve("usr/bin/gav1_decode");
    Closure c =
        Resolver.resolve(
            LoaderConfig.of(new Sysroot(r), List.of()), Resolver.Inspector.DIRECT, prog, List.of());
    assertEquals(glibc(r, prog, Map.of()), ours(c));
    assertTrue(c.objects().size() > 15, c.objects().toString());
  }

  private static List<String> glibc(Path prog, Map<String, String> env) {
    return glibc(root, prog, env);
  }

  /**
   * glibc's list: "name => path" in load order (the interpreter as "=> path"), then missing names.
   */
  private static List<String> glibc(Path r, Path prog, Map<String, String> env) {
    List<String> found = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (Traced t : ClosureRoot.trace(r, prog, env)) {
      if (t.path() == null) {
        missing.add("missing " + t.name());
      } else if (t.name() == null) {
        found.add("=> " + t.path());
      } else {
        found.add(t.name() + " => " + t.path());
      }
    }
    // glibc prints the interpreter last; the order of everything else is load order
    found.sort((a, b) -> Boolean.compare(a.startsWith("=> "), b.startsWith("=> ")));
    found.addAll(missing);
    return found;
  }

  private static List<String> ours(Closure c) {
    List<String> found = new ArrayList<>();
    String interp = null;
    for (Loaded o : c.objects()) {
      if (o.via() == Via.INTERP) {
        interp = "=> " + o.path();
      } else if (o.via() != Via.PROGRAM) {
        found.add(o.name() + " => " + o.path());
      }
    }
    if (interp != null) {
      found.add(interp);
    }
    c.missing().forEach(m -> found.add("missing " + m.name()));
    return found;
  }
}
