package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One clock per process, run under qemu: testdata's clockshare (an executable that reads the
 * counter, a library it links and a library it dlopens RTLD_LOCAL) passes timestamps between the
 * three objects from 8 threads. With all three patched and the runtime library preloaded, every
 * value is unique, each thread sees them strictly increase across objects, and the set of values is
 * exactly START, START + step, ... (so its sum is known without running anything) on every run.
 * Without the runtime library each object keeps its own counter, as before; unpatched objects mix
 * in freely.
 */
class SharedClockTest {
  static final int READS = 8 * 250 * 4 + 3;
  static final String[] OBJECTS = {"clockshare", "libclockshare_a.so", "libclockshare_b.so"};

  @TempDir Path dir;

  /** Copies the three objects into {@code dir}, patching those named. */
  private void install(List<String> patch) throws IOException {
    for (String name : OBJECTS) {
      Path from = TestData.bin(name);
      Path to = dir.resolve(name);
      if (patch.contains(name)) {
        Patcher.patch(from, to, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
        Patching.assertWellFormed(to);
      } else {
        Files.copy(from, to);
      }
    }
    ClockLibrary.write(dir.resolve(ClockLibrary.SONAME));
  }

  private Map<String, String> run(boolean preload, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>(extraEnv);
    if (preload) {
      env.put("LD_PRELOAD", dir.resolve(ClockLibrary.SONAME).toString());
    }
    return parse(
        Qemu.run(dir.resolve("clockshare"), List.of(dir.resolve(OBJECTS[2]).toString()), env));
  }

  /** clockshare's lines ({@code first main 4294967297}, ...) by key, and its stderr. */
  static Map<String, String> parse(Tools.Result r) {
    assertEquals(0, r.exitCode(), r.describe());
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : r.stdout().split("\n")) {
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), line.substring(space + 1));
    }
    out.put("stderr", r.stderr());
    return out;
  }

  /**
   * One clock for the three objects: the first reads are START, START + step, START + 2 step in
   * call order, each thread's values increase across objects, no value repeats, and the values are
   * exactly START + k * step for k below the number of reads (their sum is known beforehand).
   */
  static void assertOneClock(Map<String, String> out) {
    assertEquals(start().toString(), out.get("first main"), out.toString());
    assertEquals(start().add(step()).toString(), out.get("first a"), out.toString());
    assertEquals(start().add(step().shiftLeft(1)).toString(), out.get("first b"), out.toString());
    assertEquals("yes", out.get("order"), "each thread's values increase across objects");
    assertEquals("yes", out.get("unique"), "no value is read twice in the process");
    assertEquals(String.valueOf(READS), out.get("reads"));
    BigInteger n = BigInteger.valueOf(READS);
    BigInteger sum =
        start()
            .multiply(n)
            .add(step().multiply(n).multiply(n.subtract(BigInteger.ONE)).shiftRight(1));
    assertEquals(sum.mod(BigInteger.TWO.pow(64)).toString(16), out.get("sum"));
  }

  /** Each object counts on its own from START: the first reads agree and values repeat. */
  static void assertOwnCounters(Map<String, String> out) {
    for (String object : new String[] {"main", "a", "b"}) {
      assertEquals(start().toString(), out.get("first " + object), out.toString());
    }
    assertEquals("no", out.get("unique"), "three counters give the same values");
  }

  static BigInteger start() {
    return BigInteger.valueOf(Trampolines.COUNTER_START);
  }

  static BigInteger step() {
    return BigInteger.valueOf(PatchOptions.DEFAULT_STEP);
  }

  @Test
  void allPatchedAndPreloadedShareOneClockAcrossObjectsAndThreads() throws Exception {
    install(List.of(OBJECTS));
    Map<String, String> out = run(true, Map.of());
    assertOneClock(out);
    assertEquals(out, run(true, Map.of()), "the same values on every run");
  }

  @Test
  void theDynamicLinkerBindsEveryObjectToTheRuntimeLibrary() throws Exception {
    install(List.of(OBJECTS));
    assertBoundToTheClock(run(true, Map.of("LD_DEBUG", "bindings")).get("stderr"));
  }

  /** glibc's LD_DEBUG=bindings output shows each of the three objects bound to the library. */
  static void assertBoundToTheClock(String bindings) {
    for (String name : OBJECTS) {
      assertTrue(
          bindings
              .lines()
              .anyMatch(
                  l ->
                      l.contains("binding file ")
                          && l.contains(name + " [0] to ")
                          && l.contains(ClockLibrary.SONAME)
                          && l.contains("`" + ClockLibrary.SYMBOL + "'")),
          name + " not bound to the shared clock:\n" + bindings);
    }
  }

  @Test
  void withoutTheRuntimeLibraryEachObjectKeepsItsOwnCounter() throws Exception {
    install(List.of(OBJECTS));
    Map<String, String> out = run(false, Map.of());
    assertOwnCounters(out);
    assertEquals(out, run(false, Map.of()), "still deterministic");
  }

  @Test
  void oneLibraryPatchedAloneUsesItsOwnCounterAmongUnpatchedObjects() throws Exception {
    install(List.of("libclockshare_a.so"));
    Map<String, String> out = run(true, Map.of());
    // The preloaded library is found, but only libclockshare_a imports it: its first read is the
    // shared clock's first value; the others read the real counter.
    assertEquals(start().toString(), out.get("first a"), out.toString());
    assertNotEquals(start().toString(), out.get("first main"), out.toString());
    assertEquals(String.valueOf(READS), out.get("reads"));
    assertEquals(start().toString(), run(false, Map.of()).get("first a"));
  }

  @Test
  void nothingPatchedStillRuns() throws Exception {
    install(List.of());
    Map<String, String> out = run(true, Map.of());
    assertEquals(String.valueOf(READS), out.get("reads"), out.toString());
  }

  @Test
  void restoreIsByteExactAndVerifyChecksTheDynamicEntries() throws Exception {
    install(List.of(OBJECTS));
    for (String name : OBJECTS) {
      Path patched = dir.resolve(name);
      Manifest m = Manifest.read(ElfFile.read(patched)).orElseThrow();
      assertEquals(
          List.of(6L, 5L, 10L, 7L, 8L).stream().sorted().toList(),
          m.dynamic().stream().map(DynamicEdit::tag).filter(t -> t < 0x6ffffff0L).sorted().toList(),
          name + ": DT_SYMTAB, DT_STRTAB, DT_STRSZ, DT_RELA, DT_RELASZ rewritten");
      Path restored = dir.resolve(name + ".restored");
      Patcher.restore(patched, restored, PatchWriter.Hooks.NONE);
      assertArrayEquals(Files.readAllBytes(TestData.bin(name)), Files.readAllBytes(restored));
      // A .dynamic entry changed after patching is a verify problem and stops restore.
      DynamicEdit e = m.dynamic().get(0);
      byte[] bytes = Files.readAllBytes(patched);
      bytes[(int) e.offset()] ^= 0x10;
      Path damaged = dir.resolve(name + ".damaged");
      Files.write(damaged, bytes);
      VerifyReport v = Verifier.verify(ElfFile.read(damaged));
      assertTrue(
          v.problems().stream().anyMatch(p -> p.contains(".dynamic entry")),
          v.problems().toString());
      assertThrows(PatchException.class, () -> Restorer.image(ElfFile.read(damaged)));
    }
  }

  @Test
  void abseilBindsToTheSharedClockUnderQemu() throws Exception {
    Path lib = Corpus.lib("libabsl_base.so.");
    assumeTrue(
        Files.exists(Path.of(Qemu.SYSROOT, "lib", "libstdc++.so.6")),
        "libstdc++6-arm64-cross is not installed (abseil needs libstdc++.so.6)");
    Path patched = dir.resolve(lib.getFileName());
    Patcher.patch(lib, patched, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    ClockLibrary.write(dir.resolve(ClockLibrary.SONAME));
    String now = LibraryTest.cycleClockNow(ElfFile.read(lib));
    Map<String, String> env =
        Map.of(
            "LD_LIBRARY_PATH", Corpus.libDir().toString(),
            "LD_PRELOAD", dir.resolve(ClockLibrary.SONAME).toString(),
            "LD_DEBUG", "bindings");
    Tools.Result r =
        Qemu.run(TestData.bin("absl_loader"), List.of(patched.toString(), now, "3"), env);
    assertEquals(0, r.exitCode(), r.describe());
    List<BigInteger> values = Qemu.values(r.stdout());
    assertEquals(List.of(start(), start().add(step()), start().add(step().shiftLeft(1))), values);
    assertTrue(
        r.stderr().contains("`" + ClockLibrary.SYMBOL + "'"),
        "no binding of the clock:\n" + r.stderr());
  }
}
