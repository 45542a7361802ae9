package dev.a64patch.core.demangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares the demangler with GNU c++filt, run at test time, on the committed list of tricky names
 * and on every symbol of the AArch64 library corpus. A wrong non-empty answer fails; giving up is
 * allowed but measured.
 */
class DemanglerOracleTest {

  /**
   * On the corpus we demangle 100% of the names c++filt demangles (0 give-ups out of 2060 with the
   * 2022-era abseil/gperftools/jemalloc/DPDK packages); fail if that drops below 99.5%.
   */
  private static final double MIN_CORPUS_DEMANGLED_SHARE = 0.995;

  /** The only tricky names we may give up on although c++filt demangles them: Rust legacy. */
  private static final Pattern RUST_LEGACY = Pattern.compile("_ZN.*17h[0-9a-f]{16}E.*");

  private static CxxFiltOracle cxxfilt;

  @BeforeAll
  static void findCxxFilt() throws Exception {
    cxxfilt = CxxFiltOracle.find().orElse(null);
    if (cxxfilt != null) {
      System.out.println("[demangle] oracle: " + cxxfilt.version());
    }
  }

  @Test
  void trickyNamesMatchCxxFilt() throws Exception {
    Tools.assumeAvailable(
        cxxfilt != null, "c++filt not found on PATH (install binutils); skipping oracle test");
    List<String> names = OracleComparison.trickyNames();
    OracleComparison c =
        OracleComparison.of(names, OracleComparison.demangleAll(names), cxxfilt.demangleAll(names));
    System.out.printf(
        "[demangle] tricky names: %d, c++filt demangles %d, we match %d, give up on %d%n",
        names.size(), c.cxxfiltDemangled, c.matched, c.gaveUp.size());
    assertEquals(
        List.of(), c.wrong, () -> "wrong demanglings:\n  " + OracleComparison.sample(c.wrong, 20));
    for (String g : c.gaveUp) {
      assertTrue(RUST_LEGACY.matcher(g).matches(), "gave up on a name c++filt demangles: " + g);
    }
    assertTrue(c.matched > 400, "suspiciously few tricky names demangled: " + c.matched);
  }

  @Test
  void corpusNamesMatchCxxFilt() throws Exception {
    Path dir = CorpusSymbols.libraryDir();
    List<Path> libs = CorpusSymbols.libraries();
    Tools.assumeAvailable(
        !libs.isEmpty(),
        "no AArch64 libraries under "
            + dir
            + " (set -Da64patch.corpus or A64PATCH_CORPUS, or run shared/corpus/fetch-arm64-debs.sh)");
    Optional<String> nm = CorpusSymbols.nm();
    Tools.assumeAvailable(
        nm.isPresent(), "nm not found on PATH (install binutils); skipping corpus test");
    Tools.assumeAvailable(
        cxxfilt != null, "c++filt not found on PATH (install binutils); skipping corpus test");

    List<String> names = CorpusSymbols.names(nm.get(), libs);
    long t0 = System.nanoTime();
    List<Optional<String>> ours = OracleComparison.demangleAll(names);
    long coldNanos = System.nanoTime() - t0;
    t0 = System.nanoTime();
    OracleComparison.demangleAll(names);
    long warmNanos = System.nanoTime() - t0;

    OracleComparison c = OracleComparison.of(names, ours, cxxfilt.demangleAll(names));
    double share =
        c.cxxfiltDemangled == 0
            ? 0
            : (double) (c.cxxfiltDemangled - c.gaveUp.size()) / c.cxxfiltDemangled;
    System.out.printf(
        "[demangle] corpus %s: %d libraries, %d symbols, %d mangled; demangled %d "
            + "(%.2f%%), gave up on %d; all symbols took %.1f ms cold, %.1f ms warm%n",
        dir,
        libs.size(),
        names.size(),
        c.cxxfiltDemangled,
        c.matched,
        100 * share,
        c.gaveUp.size(),
        coldNanos / 1e6,
        warmNanos / 1e6);
    if (!c.gaveUp.isEmpty()) {
      System.out.println("[demangle] gave up on:\n  " + OracleComparison.sample(c.gaveUp, 20));
    }

    assertEquals(
        List.of(), c.wrong, () -> "wrong demanglings:\n  " + OracleComparison.sample(c.wrong, 20));
    assertTrue(
        c.cxxfiltDemangled >= 500,
        "corpus has only " + c.cxxfiltDemangled + " mangled names; is it complete?");
    assertTrue(
        share >= MIN_CORPUS_DEMANGLED_SHARE,
        String.format(
            "demangled only %.2f%% of the corpus:\n  %s",
            100 * share, OracleComparison.sample(c.gaveUp, 20)));
    assertTrue(coldNanos < 2_000_000_000L, "demangling the corpus took " + coldNanos / 1e6 + " ms");
    assertTrue(
        warmNanos < 1_000_000_000L, "demangling the corpus took " + warmNanos / 1e6 + " ms warm");
  }
}
