package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.closure.Launch;
import dev.a64patch.core.closure.Preparation;
import dev.a64patch.core.closure.PrepareRequest;
import dev.a64patch.core.closure.Preparer;
import dev.a64patch.testing.ClosureRoot;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11: {@code prepare} writes the shared-clock runtime library into the prepared tree and
 * preloads it first, so every patched object of the process shares one counter although the
 * executable does not define the clock. testdata's clockshare (an executable, the library it links
 * through DT_RUNPATH $ORIGIN, and a library it dlopens RTLD_LOCAL, named with --also) is prepared
 * under a root and run through the very launch prepare computes, under qemu with glibc's loader.
 */
class SharedClockPrepareTest {
  @TempDir Path tmp;
  Path root;
  Path program;

  @BeforeEach
  void install() throws IOException {
    root = ClosureRoot.build(tmp);
    Path bin = Files.createDirectories(root.resolve("opt/cs/bin"));
    for (String name : SharedClockTest.OBJECTS) {
      Files.copy(TestData.bin(name), bin.resolve(name));
    }
    program = bin.resolve("clockshare");
  }

  private PrepareRequest request(Path out, PatchOptions options) {
    return new PrepareRequest(
        program,
        root,
        List.of(),
        null,
        List.of(program.resolveSibling("libclockshare_b.so")),
        out,
        tmp.resolve("cache"),
        options,
        List.of());
  }

  /** Runs the prepared launch under qemu; the program dlopens libclockshare_b.so by name. */
  private Map<String, String> run(Preparation p, Map<String, String> extraEnv) {
    List<String> prefix =
        new ArrayList<>(List.of(Tools.require("qemu-aarch64").toString(), "-L", root.toString()));
    extraEnv.forEach((k, v) -> prefix.addAll(List.of("-E", k + "=" + v)));
    Launch launch = Launch.of(p, prefix, List.of(), List.of("libclockshare_b.so"));
    return SharedClockTest.parse(Tools.run(launch.argv(), Duration.ofSeconds(120)));
  }

  @Test
  void preparedProgramSharesOneClockAcrossObjectsAndThreads() throws IOException {
    Path out = tmp.resolve("out");
    Preparation p = Preparer.prepare(request(out, PatchOptions.defaults()));
    Path clock = out.toRealPath().resolve(ClockLibrary.SONAME);
    assertEquals(List.of(clock), p.runtime());
    assertArrayEquals(ClockLibrary.bytes(true), Files.readAllBytes(clock));
    assertEquals(clock.toString(), p.env().get("LD_PRELOAD").split(":")[0], "preloaded first");
    assertEquals(out.toRealPath().resolve("clockshare"), p.program(), "the patched copy runs");

    Map<String, String> first = run(p, Map.of());
    SharedClockTest.assertOneClock(first);
    assertEquals(first, run(p, Map.of()), "the same values on every run");
    SharedClockTest.assertBoundToTheClock(run(p, Map.of("LD_DEBUG", "bindings")).get("stderr"));

    // Content-keyed: a second prepare writes nothing, the library included.
    FileTime written = Files.getLastModifiedTime(clock);
    Preparation again = Preparer.prepare(request(out, PatchOptions.defaults()));
    assertEquals(0, again.written(), "second prepare wrote");
    assertEquals(written, Files.getLastModifiedTime(clock));
    assertEquals(p.env(), again.env());
  }

  @Test
  void withoutThePreloadTheSameCopiesKeepTheirOwnCounters() throws IOException {
    Path out = tmp.resolve("out");
    Preparation p = Preparer.prepare(request(out, PatchOptions.defaults()));
    String clock = p.runtime().get(0).toString();
    Map<String, String> env = new java.util.LinkedHashMap<>(p.env());
    List<String> others = new ArrayList<>(List.of(env.get("LD_PRELOAD").split(":")));
    others.remove(clock);
    if (others.isEmpty()) {
      env.remove("LD_PRELOAD");
    } else {
      env.put("LD_PRELOAD", String.join(":", others));
    }
    Preparation unshared =
        new Preparation(
            p.output(), env, p.program(), List.of(), p.rows(), p.commands(), 0, p.scanned());
    Map<String, String> first = run(unshared, Map.of());
    SharedClockTest.assertOwnCounters(first);
    assertEquals(first, run(unshared, Map.of()), "still deterministic");
  }

  /**
   * Objects patched in place before (by a build, or {@code a64patch patch}) have no reads left, so
   * prepare writes no copy for them; they import the clock all the same, so it is preloaded, with
   * any strategy the prepare itself is asked for.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Strategy.class,
      names = {"COUNTER", "CLOCK"})
  void objectsPatchedInPlaceBeforeShareTheClockToo(Strategy strategy) throws IOException {
    for (String name : SharedClockTest.OBJECTS) {
      Path file = program.resolveSibling(name);
      Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    }
    Path out = tmp.resolve("out");
    Preparation p = Preparer.prepare(request(out, PatchOptions.defaults().withStrategy(strategy)));
    assertEquals(program, p.program(), "nothing left to copy");
    assertEquals(List.of(out.toRealPath().resolve(ClockLibrary.SONAME)), p.runtime());
    Map<String, String> first = run(p, Map.of());
    SharedClockTest.assertOneClock(first);
    assertEquals(first, run(p, Map.of()), "the same values on every run");
  }

  @Test
  void noClockLibraryWhenNoObjectCountsWithTheCounterStrategy() throws IOException {
    Path out = tmp.resolve("out");
    Preparation p =
        Preparer.prepare(request(out, PatchOptions.defaults().withStrategy(Strategy.CLOCK)));
    assertEquals(List.of(), p.runtime());
    assertFalse(Files.exists(out.resolve(ClockLibrary.SONAME)));
    assertNull(p.env().get("LD_PRELOAD"), p.env().toString());
    // Switching the same directory to counter adds it; back to clock removes it again.
    Preparer.prepare(request(out, PatchOptions.defaults()));
    assertTrue(Files.exists(out.resolve(ClockLibrary.SONAME)));
    Preparer.prepare(request(out, PatchOptions.defaults().withStrategy(Strategy.CLOCK)));
    assertFalse(Files.exists(out.resolve(ClockLibrary.SONAME)));
  }
}
