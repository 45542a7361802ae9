package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.ClosureRoot;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code prepare}, {@code run} and {@code record} end to end: every closure fixture is prepared
 * with --root, then run under qemu with the environment written to DIR/env. The programs report
 * from inside (/proc/self/maps) which files the loader mapped: every object that reads the counter
 * must be its patched copy in DIR, and the counter values must be identical from run to run, while
 * the same program without DIR prints different values.
 */
class PrepareCommandTest {
  @TempDir Path tmp;
  Path root;

  @BeforeEach
  void root() throws IOException {
    root = ClosureRoot.build(tmp);
  }

  /** program, extra prepare options, the objects that read the counter (file names). */
  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("opt/app/bin/chain", List.of(), List.of("libtick.so")),
        Arguments.of("opt/app/bin/selfread", List.of(), List.of("selfread", "libtick.so")),
        Arguments.of(
            "opt/app/bin/plugin-host",
            List.of("--also", "ROOT/opt/app/plugins"),
            List.of("libplugin.so", "libtick.so")),
        Arguments.of("opt/rp/bin/rpath-prog", List.of(), List.of("libtick.so")),
        Arguments.of("opt/rn/bin/runpath-prog", List.of(), List.of("libtick.so")),
        Arguments.of(
            "opt/lp/bin/lp-prog",
            List.of("--library-path", "/opt/extra/lib"),
            List.of("libextra.so")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void preparedProgramLoadsThePatchedCopiesAndIsDeterministic(
      String program, List<String> options, List<String> readers) throws IOException {
    Path out = tmp.resolve("out");
    Map<String, String> before = checksums(root);
    CliRunner.Run r = prepare(out, program, options);
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertEquals(before, checksums(root), "prepare wrote under --root");

    Map<String, String> env = envFile(out);
    Path toRun =
        readers.contains(Path.of(program).getFileName().toString())
            ? out.resolve(Path.of(program).getFileName())
            : root.resolve(program);
    assertTrue(r.out().contains("qemu-aarch64 -L " + root), r.out());
    Tools.Result first = qemu(toRun, env);
    Tools.Result second = qemu(toRun, env);
    assertEquals(0, first.exitCode(), first.describe());
    assertTrue(first.stdout().contains("\nok\n"), first.describe());
    List<String> maps = maps(first.stdout());
    for (String reader : readers) {
      if (!reader.equals(toRun.getFileName().toString())) {
        assertTrue(
            maps.contains(out.resolve(reader).toString()),
            reader + " not from " + out + ": " + maps);
      }
    }
    assertTrue(
        maps.stream()
            .noneMatch(
                m ->
                    readers.stream()
                        .anyMatch(x -> m.endsWith("/" + x) && !m.startsWith(out.toString()))),
        "an original that reads the counter was mapped: " + maps);
    assertEquals(first.stdout(), second.stdout(), "prepared runs differ");

    Tools.Result plain1 = qemu(root.resolve(program), unprepared(options));
    Tools.Result plain2 = qemu(root.resolve(program), unprepared(options));
    assertEquals(0, plain1.exitCode(), plain1.describe());
    assertNotEquals(values(plain1.stdout()), values(plain2.stdout()), "unprepared runs agree");
  }

  @Test
  void secondPrepareWritesNothing() throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(0, prepare(out, "opt/app/bin/selfread", List.of()).exitCode());
    Map<String, String> stamps = stamps(out);
    CliRunner.Run again = prepare(out, "opt/app/bin/selfread", List.of());
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("up to date: nothing written"), again.out());
    assertEquals(stamps, stamps(out));
  }

  @Test
  void changedLibraryIsPatchedAgainAndStaleCopiesRemoved() throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(0, prepare(out, "opt/app/bin/selfread", List.of()).exitCode());
    assertTrue(Files.exists(out.resolve("selfread")));
    // a "package update": same library, one byte longer (a new inode, as dpkg writes it)
    Path tick = root.resolve("opt/app/lib/libtick.so");
    byte[] b = Files.readAllBytes(tick);
    Files.delete(tick);
    Files.write(tick, java.util.Arrays.copyOf(b, b.length + 1));
    String copyBefore = sha(out.resolve("libtick.so"));
    CliRunner.Run r = prepare(out, "opt/app/bin/selfread", List.of());
    assertEquals(0, r.exitCode(), r.err());
    assertFalse(r.out().contains("nothing written"), r.out());
    assertNotEquals(copyBefore, sha(out.resolve("libtick.so")));
    // same directory, another program: the copies nobody needs any more go
    assertEquals(0, prepare(out, "opt/rn/bin/runpath-prog", List.of()).exitCode());
    assertFalse(Files.exists(out.resolve("selfread"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(out.resolve("libplain.so"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(out.resolve("libtick.so")));
  }

  @Test
  void missingLibraryIsReportedWithThePathsTried() throws IOException {
    CliRunner.Run r = prepare(tmp.resolve("out"), "opt/app/bin/missing-prog", List.of());
    assertEquals(ExitCode.MISSING_LIBRARY.code(), r.exitCode(), r.err());
    assertTrue(r.err().contains("libnothere.so: cannot be found"), r.err());
    assertTrue(
        r.err().contains("/usr/lib/aarch64-linux-gnu/libnothere.so (default directories)"),
        r.err());
    assertTrue(r.out().contains("MISSING"), r.out());
  }

  @Test
  void setuidProgramIsLeftWithTheCommandThatWorks() throws IOException {
    Path prog = root.resolve("opt/app/bin/chain");
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(prog);
    Files.setAttribute(prog, "unix:mode", 04755);
    CliRunner.Run r = prepare(tmp.resolve("out"), "opt/app/bin/chain", List.of());
    Files.setPosixFilePermissions(prog, perms);
    assertEquals(ExitCode.NOT_REDIRECTED.code(), r.exitCode(), r.err());
    assertTrue(r.err().contains("secure-execution"), r.err());
    assertTrue(
        r.out().contains("a64patch patch " + root.resolve("opt/app/lib/libtick.so").toRealPath()),
        r.out());
  }

  @Test
  void jsonReportNamesEveryObject() throws IOException {
    Path out = tmp.resolve("out");
    CliRunner.Run r = prepare(out, "opt/rp/bin/rpath-prog", List.of("--format", "json"));
    assertEquals(0, r.exitCode(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    Path dir = out.toRealPath();
    // The shared clock first (libtick is patched with the counter strategy), then the copy.
    assertEquals(
        dir.resolve("liba64patch-clock.so") + ":" + dir.resolve("libtick.so"),
        j.get("env").get("LD_PRELOAD").asText());
    assertEquals(dir.resolve("liba64patch-clock.so").toString(), j.get("runtime").get(0).asText());
    assertEquals(1, j.get("runtime").size());
    List<String> actions = new ArrayList<>();
    j.get("objects")
        .forEach(
            o ->
                actions.add(
                    o.get("name").asText().replaceAll(".*/", "") + " " + o.get("action").asText()));
    assertEquals(
        List.of(
            "rpath-prog none",
            "ld-linux-aarch64.so.1 none",
            "libmid.so none",
            "libc.so.6 none",
            "libtick.so patched"),
        actions);
  }

  @Test
  void runExecutesUnderTheExecPrefix() throws IOException {
    Tools.require("qemu-aarch64");
    Path out = tmp.resolve("out");
    CliRunner.Run a = run("run", out, "opt/app/bin/chain");
    CliRunner.Run b = run("run", out, "opt/app/bin/chain");
    assertEquals(0, a.exitCode(), a.err());
    assertTrue(a.out().contains("MAP " + out.toRealPath().resolve("libtick.so")), a.out());
    assertEquals(a.out(), b.out());
  }

  @Test
  void recordDryRunPrintsTheExactCommand() throws IOException {
    Path out = tmp.resolve("out");
    Path prog = root.resolve("opt/rp/bin/rpath-prog");
    CliRunner.Run r =
        CliRunner.run(
            "record",
            "--root",
            root.toString(),
            "-o",
            out.toString(),
            "--dry-run",
            "--",
            prog.toString(),
            "one",
            "two words");
    assertEquals(0, r.exitCode(), r.err());
    Path o = out.toRealPath();
    assertEquals(
        "env: LD_LIBRARY_PATH="
            + o
            + "\n"
            + "env: LD_PRELOAD="
            + o.resolve("liba64patch-clock.so")
            + ":"
            + o.resolve("libtick.so")
            + "\n"
            + "argv: rr record "
            + prog
            + " one 'two words'\n"
            + "env LD_LIBRARY_PATH="
            + o
            + " LD_PRELOAD="
            + o.resolve("liba64patch-clock.so")
            + ":"
            + o.resolve("libtick.so")
            + " rr record "
            + prog
            + " one 'two words'\n",
        r.out());
  }

  @Test
  void realProgramFromTheDebianCorpus() throws IOException {
    Path usr = Corpus.root().resolve("root/usr");
    assumeTrue(
        Files.isRegularFile(usr.resolve("bin/gav1_decode")),
        "corpus has no gav1_decode (libgav1-bin)");
    Files.createSymbolicLink(root.resolve("usr"), usr);
    Path out = tmp.resolve("out");
    Map<String, String> before = checksums(root);
    CliRunner.Run r =
        CliRunner.run(
            "prepare",
            "--root",
            root.toString(),
            "-o",
            out.toString(),
            root.resolve("usr/bin/gav1_decode").toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertEquals(before, checksums(root));
    assertTrue(Files.isRegularFile(out.resolve("libabsl_base.so.20220623")), r.out());
    Map<String, String> env = new TreeMap<>(envFile(out));
    env.put("LD_DEBUG", "files");
    Tools.Result a = qemu(root.resolve("usr/bin/gav1_decode"), env, "--version");
    Tools.Result b = qemu(root.resolve("usr/bin/gav1_decode"), env, "--version");
    assertEquals(0, a.exitCode(), a.describe());
    String initLine = "calling init: " + out.toRealPath().resolve("libabsl_base.so.20220623");
    assertTrue(a.stderr().contains(initLine), a.stderr());
    assertFalse(
        a.stderr().contains("calling init: /usr/lib/aarch64-linux-gnu/libabsl_base"), a.stderr());
    assertEquals(a.stdout(), b.stdout());
    assertEquals(
        a.stderr().replaceAll("(?m)^\\s*\\d+:", ""), b.stderr().replaceAll("(?m)^\\s*\\d+:", ""));
  }

  // ---- helpers

  private CliRunner.Run prepare(Path out, String program, List<String> options) {
    List<String> args =
        new ArrayList<>(List.of("prepare", "--root", root.toString(), "-o", out.toString()));
    options.forEach(o -> args.add(o.replace("ROOT", root.toString())));
    args.add(root.resolve(program).toString());
    return CliRunner.run(args.toArray(String[]::new));
  }

  private CliRunner.Run run(String verb, Path out, String program) {
    return CliRunner.run(
        verb,
        "--root",
        root.toString(),
        "-o",
        out.toString(),
        "--exec-prefix",
        Tools.require("qemu-aarch64") + " -L " + root,
        "--",
        root.resolve(program).toString());
  }

  private static Map<String, String> unprepared(List<String> options) {
    int i = options.indexOf("--library-path");
    return i < 0 ? Map.of() : Map.of("LD_LIBRARY_PATH", options.get(i + 1));
  }

  private Tools.Result qemu(Path program, Map<String, String> env, String... args) {
    List<String> cmd =
        new ArrayList<>(List.of(Tools.require("qemu-aarch64").toString(), "-L", root.toString()));
    env.forEach(
        (k, v) -> {
          cmd.add("-E");
          cmd.add(k + "=" + v);
        });
    cmd.add(program.toString());
    cmd.addAll(List.of(args));
    return Tools.run(cmd, Duration.ofSeconds(60));
  }

  static Map<String, String> envFile(Path out) throws IOException {
    Map<String, String> env = new TreeMap<>();
    for (String line : Files.readAllLines(out.resolve("env"))) {
      int eq = line.indexOf('=');
      env.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return env;
  }

  private static List<String> maps(String stdout) {
    return stdout.lines().filter(l -> l.startsWith("MAP ")).map(l -> l.substring(4)).toList();
  }

  private static List<String> values(String stdout) {
    return stdout.lines().filter(l -> l.startsWith("T ")).toList();
  }

  /** sha256 of every file under dir, following links (the sysroot link too). */
  static Map<String, String> checksums(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), sha(p));
      }
    }
    return out;
  }

  private static Map<String, String> stamps(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        var a =
            Files.readAttributes(
                p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        out.put(
            p.getFileName().toString(), a.lastModifiedTime() + " " + a.size() + " " + a.fileKey());
      }
    }
    return out;
  }

  static String sha(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
