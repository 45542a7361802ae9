package dev.a64patch.core.closure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.a64patch.testing.ClosureRoot;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache parser against ldconfig's own listing ({@code ldconfig -p}) of the same file. */
class LdCacheTest {
  @TempDir Path tmp;

  @Test
  void hostCacheMatchesLdconfig() throws IOException {
    Path cache = Path.of("/etc/ld.so.cache");
    Path ldconfig = Path.of("/sbin/ldconfig");
    assumeTrue(Files.isRegularFile(cache) && Files.isExecutable(ldconfig), "no host ld.so.cache");
    Tools.Result r = Tools.run(List.of(ldconfig.toString(), "-p"), Duration.ofSeconds(30));
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals(listing(r.stdout()), ours(LdCache.read(cache).orElseThrow()));
  }

  @Test
  void aarch64CacheWrittenByDebianLdconfig() throws IOException {
    Path ldconfig = Corpus.root().resolve("root/sbin/ldconfig");
    assumeTrue(Files.isRegularFile(ldconfig), "corpus has no sbin/ldconfig (package libc-bin)");
    Path root = ClosureRoot.build(tmp);
    Path conf = tmp.resolve("ld.so.conf");
    Files.writeString(
        conf, root.resolve("opt/app/lib") + "\n" + root.resolve("opt/extra/lib") + "\n");
    Path cache = tmp.resolve("ld.so.cache");
    String qemu = Tools.require("qemu-aarch64").toString();
    Tools.Result made =
        Tools.run(
            List.of(qemu, ldconfig.toString(), "-X", "-C", cache.toString(), "-f", conf.toString()),
            Duration.ofSeconds(60));
    assertEquals(0, made.exitCode(), made.describe());
    Tools.Result listed =
        Tools.run(
            List.of(qemu, ldconfig.toString(), "-p", "-C", cache.toString()),
            Duration.ofSeconds(60));
    LdCache c = LdCache.read(cache).orElseThrow();
    assertEquals(listing(listed.stdout()), ours(c));
    assertEquals(
        root.resolve("opt/app/lib/libtick.so").toString(), c.lookup("libtick.so").orElseThrow());
    assertTrue(
        c.entries().stream().allMatch(e -> e.flags() == LdCache.AARCH64_LIB64),
        c.entries().toString());
  }

  @Test
  void damagedCacheIsRefusedWithItsName() {
    byte[] b = "glibc-ld.so.cache1.1".getBytes();
    var e =
        assertThrows(
            LdCache.CacheFormatException.class, () -> LdCache.parse(ByteBuffer.wrap(b), "x.cache"));
    assertTrue(e.getMessage().startsWith("x.cache: header ends at 0x30"), e.getMessage());
    var n =
        assertThrows(
            LdCache.CacheFormatException.class,
            () -> LdCache.parse(ByteBuffer.wrap(new byte[64]), "y.cache"));
    assertTrue(n.getMessage().contains("no glibc-ld.so.cache1.1 header"), n.getMessage());
  }

  /** "name => path" lines of ldconfig -p, in its order. */
  private static List<String> listing(String out) {
    List<String> l = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("\t")) {
        String name = line.trim().substring(0, line.trim().indexOf(' '));
        l.add(name + " => " + line.substring(line.indexOf(" => ") + 4));
      }
    }
    return l;
  }

  private static List<String> ours(LdCache c) {
    return c.entries().stream().map(e -> e.name() + " => " + e.path()).toList();
  }
}
