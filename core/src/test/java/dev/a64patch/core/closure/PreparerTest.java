package dev.a64patch.core.closure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.closure.Preparation.Action;
import dev.a64patch.core.closure.Preparation.Row;
import dev.a64patch.testing.ClosureRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cases of the engine that the command-line tests do not reach. */
class PreparerTest {
  @TempDir Path tmp;

  private static Row row(Preparation p, String name) {
    return p.rows().stream().filter(r -> r.name().endsWith(name)).findFirst().orElseThrow();
  }

  @Test
  void dynamicLinkerThatReadsTheCounterIsLeftWithTheCommand() throws IOException {
    // A root whose /lib is a real directory: its ld-linux-aarch64.so.1 is a library that reads the
    // counter (libtick), so the interpreter needs patching, which no variable can redirect.
    Path root = Files.createDirectories(tmp.resolve("root"));
    ClosureRoot.copyTree(dev.a64patch.testing.TestData.root().resolve("bin/closure"), root);
    Path lib = Files.createDirectories(root.resolve("lib"));
    Files.copy(root.resolve("opt/app/lib/libtick.so"), lib.resolve("ld-linux-aarch64.so.1"));
    Files.createSymbolicLink(
        lib.resolve("libc.so.6"), Path.of("/usr/aarch64-linux-gnu/lib/libc.so.6"));
    Preparation p =
        Preparer.prepare(ClosureRoot.request(root, "opt/rn/bin/runpath-prog", tmp.resolve("out")));
    Row interp = row(p, "ld-linux-aarch64.so.1");
    assertEquals(Action.LEFT, interp.action());
    assertTrue(interp.detail().startsWith("the dynamic linker itself"), interp.detail());
    assertEquals(
        List.of("a64patch patch " + lib.resolve("ld-linux-aarch64.so.1").toRealPath()),
        p.commands());
    // its DT_SONAME (libtick.so) satisfies the program's DT_NEEDED libtick.so, as in glibc
    assertEquals(3, p.rows().size(), p.rows().toString());
    // the patched copy of the dynamic linker is there to be started by hand
    assertTrue(Files.isRegularFile(interp.copy()), interp.toString());
  }

  @Test
  void ldSoConfIncludesAreFollowedInARootWithoutCache() throws IOException {
    Path root = ClosureRoot.build(tmp);
    Path confd = Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
    Files.writeString(root.resolve("etc/ld.so.conf"), "# comment\ninclude ld.so.conf.d/*.conf\n");
    Files.writeString(confd.resolve("extra.conf"), "/opt/extra/lib\n");
    Files.writeString(confd.resolve("other.txt"), "/opt/app/lib\n"); // not *.conf: ignored
    Preparation p =
        Preparer.prepare(ClosureRoot.request(root, "opt/lp/bin/lp-prog", tmp.resolve("out")));
    Row extra = row(p, "libextra.so");
    assertEquals(Via.LD_SO_CONF, extra.via());
    assertEquals("/opt/extra/lib/libextra.so", extra.path());
    assertEquals(Action.PATCHED, extra.action());
  }

  @Test
  void damagedIndexIsIgnoredAndRewritten() throws IOException {
    Path root = ClosureRoot.build(tmp);
    Path out = tmp.resolve("out");
    Preparation first = Preparer.prepare(ClosureRoot.request(root, "opt/app/bin/chain", out));
    Files.writeString(out.resolve(".a64patch-prepare"), "a64patch-prepare-index 1\nF\tbroken\n");
    Preparation again = Preparer.prepare(ClosureRoot.request(root, "opt/app/bin/chain", out));
    assertEquals(first.rows(), again.rows());
    assertTrue(again.written() > 0, "the index was not rewritten");
    assertEquals(
        0, Preparer.prepare(ClosureRoot.request(root, "opt/app/bin/chain", out)).written());
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(
          List.of(".a64patch-prepare", "env", "liba64patch-clock.so", "libtick.so"),
          s.map(x -> x.getFileName().toString()).sorted().toList());
    }
  }
}
