package dev.a64patch.core.demangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The c++filt adapter against c++filt run separately (a fresh process per batch, names with odd
 * characters passed as arguments) on the committed tricky names and on every symbol of the AArch64
 * library corpus; and its behaviour when c++filt is missing, dies or hangs.
 */
class CxxFiltTest {

  /**
   * Names the adapter sends to c++filt: one stdin run of c++filt, starting like a C++ or Rust
   * mangled name, not absurdly long. Every other name must come back as given.
   */
  private static final Pattern SENT = Pattern.compile("(_Z|_GLOBAL_|_R)[A-Za-z0-9_.$]*");

  private static CxxFiltOracle oracle;

  @TempDir Path dir;

  @BeforeAll
  static void findCxxFilt() throws Exception {
    oracle = CxxFiltOracle.find().orElse(null);
    if (oracle != null) {
      System.out.println("[demangle] oracle: " + oracle.version());
    }
  }

  private static CxxFilt adapter() {
    Tools.assumeAvailable(oracle != null, "c++filt not found on PATH (install binutils)");
    return new CxxFilt(Optional.of(List.of(oracle.executable())), Duration.ofSeconds(30));
  }

  @Test
  void trickyNamesAsCxxFiltRunSeparately() throws Exception {
    try (CxxFilt filt = adapter()) {
      List<String> names = trickyNames();
      int demangled = compare(names, filt.demangle(names), oracle.demangleAll(names));
      assertTrue(demangled > 400, "suspiciously few tricky names demangled: " + demangled);
    }
  }

  @Test
  void corpusNamesAsCxxFiltRunSeparately() throws Exception {
    Path libDir = CorpusSymbols.libraryDir();
    List<Path> libs = CorpusSymbols.libraries();
    Tools.assumeAvailable(
        !libs.isEmpty(),
        "no AArch64 libraries under "
            + libDir
            + " (set -Da64patch.corpus or A64PATCH_CORPUS, or run .ci/fetch-corpus.sh)");
    Optional<String> nm = CorpusSymbols.nm();
    Tools.assumeAvailable(nm.isPresent(), "nm not found on PATH (install binutils)");
    try (CxxFilt filt = adapter()) {
      List<String> names = CorpusSymbols.names(nm.get(), libs);
      long t0 = System.nanoTime();
      List<String> ours = filt.demangle(names);
      long nanos = System.nanoTime() - t0;
      int demangled = compare(names, ours, oracle.demangleAll(names));
      System.out.printf(
          "[demangle] corpus: %d symbols, %d demangled through one c++filt in %.1f ms%n",
          names.size(), demangled, nanos / 1e6);
      assertTrue(demangled >= 500, "corpus has only " + demangled + " mangled names");
      assertTrue(nanos < 5_000_000_000L, "demangling the corpus took " + nanos / 1e6 + " ms");
    }
  }

  /**
   * Each name is either what c++filt prints for it, or, for a name the adapter does not send,
   * itself. Returns how many names came back changed.
   */
  private static int compare(List<String> names, List<String> ours, List<String> theirs) {
    assertEquals(names.size(), ours.size());
    List<String> wrong = new ArrayList<>();
    int changed = 0;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String expected =
          name.length() <= 2048 && SENT.matcher(name).matches() ? theirs.get(i) : name;
      if (!ours.get(i).equals(expected)) {
        wrong.add(name + "\n    c++filt: " + expected + "\n    adapter: " + ours.get(i));
      }
      if (!ours.get(i).equals(name)) {
        changed++;
      }
    }
    assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " wrong");
    return changed;
  }

  @Test
  void withoutCxxFiltNamesStayMangled() {
    List<String> names = List.of("_Z3foov", "main", "_ZN4absl4NowEv");
    try (CxxFilt off = new CxxFilt(Optional.empty(), Duration.ofSeconds(1));
        CxxFilt missing =
            new CxxFilt(
                Optional.of(List.of(dir.resolve("no-such-c++filt").toString())),
                Duration.ofSeconds(1))) {
      assertEquals(names, off.demangle(names));
      assertEquals(names, missing.demangle(names));
      assertEquals(names, missing.demangle(names), "and again, after the failure");
    }
  }

  @Test
  void cxxFiltDyingMidBatchGivesMangledNames() throws Exception {
    // Answers the first line (unchanged), then exits: the batch is short of answers.
    Path dying = script("dying", "exec head -n 1");
    try (CxxFilt filt =
        new CxxFilt(Optional.of(List.of(dying.toString())), Duration.ofSeconds(5))) {
      List<String> names = List.of("_Z3foov", "_Z3barv", "_Z3bazv");
      assertEquals(names, filt.demangle(names));
    }
  }

  @Test
  void hangingCxxFiltTimesOutAndGivesMangledNames() throws Exception {
    Path hanging = script("hanging", "exec sleep 60");
    try (CxxFilt filt =
        new CxxFilt(Optional.of(List.of(hanging.toString())), Duration.ofMillis(300))) {
      long t0 = System.nanoTime();
      assertEquals("_Z3foov", filt.demangle("_Z3foov"));
      assertEquals("_Z3barv", filt.demangle("_Z3barv"));
      long millis = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(millis < 5_000, "two timed-out calls took " + millis + " ms");
    }
  }

  @Test
  void oneProcessPerRunStartedOnlyForMangledNames() throws Exception {
    Path log = dir.resolve("starts.log");
    try (CxxFilt filt = counting(log)) {
      assertEquals(
          List.of("main", "lc_vct_x0", "weird name", "_Zweird name"),
          filt.demangle(List.of("main", "lc_vct_x0", "weird name", "_Zweird name")));
      assertTrue(Files.notExists(log), "c++filt started for C names");

      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<String>>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          int n = t;
          results.add(
              pool.submit(
                  () ->
                      filt.demangle(
                          List.of("_Z1fv", "_Z" + (n + 2) + "ab" + "c".repeat(n) + "v"))));
        }
        for (int t = 0; t < 16; t++) {
          assertEquals(
              List.of("f()", "ab" + "c".repeat(t) + "()"), results.get(t).get(), "thread " + t);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals(List.of("started"), Files.readAllLines(log));
  }

  /**
   * Bug: a scan that demangled a name left c++filt running until the JVM exited, and the JVM's exit
   * waits up to 300 ms for a thread blocked in native code (the process reaper, in waitpid for
   * c++filt): a small scan took 0.65 s instead of 0.3. {@code Main} calls {@link
   * CxxFilt#closeShared} before {@code System.exit}; it must leave no c++filt running.
   */
  @Test
  void closeSharedEndsTheProcessBeforeExit() throws Exception {
    adapter();
    CxxFilt shared = CxxFilt.shared();
    assertEquals("f()", shared.demangle("_Z1fv"), "the shared adapter found c++filt on PATH");
    assertTrue(cxxFiltChildren() > 0, "c++filt runs after a demangled name");
    CxxFilt.closeShared();
    assertEquals(0, cxxFiltChildren(), "c++filt still running after closeShared");
    assertEquals("f()", shared.demangle("_Z1fv"), "the adapter starts it again when asked");
    CxxFilt.closeShared();
  }

  /**
   * {@code start} launches the process ahead of the first name (the start-up thread's work), the
   * first names then go to that same process, and a start after a failed launch is counted like a
   * failed exchange.
   */
  @Test
  void startLaunchesTheProcessOnceAheadOfTheFirstName() throws Exception {
    Path log = dir.resolve("starts.log");
    try (CxxFilt filt = counting(log)) {
      filt.start();
      // The shell creates the log before it writes the line: wait for the line.
      waitFor(() -> log.toFile().length() > 0);
      assertEquals(List.of("started"), Files.readAllLines(log), "started before any name");
      filt.start();
      assertEquals("f()", filt.demangle("_Z1fv"));
      assertEquals(List.of("started"), Files.readAllLines(log), "one process for both");
    }
    try (CxxFilt missing =
        new CxxFilt(
            Optional.of(List.of(dir.resolve("absent").toString())), Duration.ofSeconds(30))) {
      missing.start(); // must not throw
      assertEquals("_Z1fv", missing.demangle("_Z1fv"), "names come back unchanged");
    }
  }

  /**
   * Bug guarded against: the start-up thread may reach {@code start} after {@code Main} has called
   * {@link CxxFilt#closeShared}; a c++filt started then would make the JVM's exit wait for it.
   */
  @Test
  void startAfterCloseSharedStartsNothing() throws Exception {
    adapter();
    CxxFilt.closeShared();
    CxxFilt.startShared();
    assertEquals(0, cxxFiltChildren(), "c++filt started after closeShared");
    assertEquals("f()", CxxFilt.shared().demangle("_Z1fv"), "asking still starts it");
    CxxFilt.closeShared();
    assertEquals(0, cxxFiltChildren());
  }

  private static void waitFor(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
  }

  private static long cxxFiltChildren() {
    return ProcessHandle.current()
        .children()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().orElse("").contains("c++filt"))
        .count();
  }

  /** An adapter over c++filt that appends a line "started" to {@code log} at each start. */
  private CxxFilt counting(Path log) throws IOException {
    adapter();
    Path counting =
        script("counting", "echo started >> '" + log + "'\nexec '" + oracle.executable() + "'");
    return new CxxFilt(Optional.of(List.of(counting.toString())), Duration.ofSeconds(30));
  }

  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** The committed tricky names: one per line, '#' comments and blank lines skipped. */
  private static List<String> trickyNames() throws IOException {
    try (InputStream in = CxxFiltTest.class.getResourceAsStream("tricky-names.txt")) {
      if (in == null) {
        throw new IOException("tricky-names.txt missing from test resources");
      }
      List<String> names = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return names;
    }
  }
}
