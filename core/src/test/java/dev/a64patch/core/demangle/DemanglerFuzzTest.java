package dev.a64patch.core.demangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations (truncation, deletion, insertion, replacement, duplication, splicing,
 * swapping) of real mangled names: the demangler must always return promptly without throwing, and
 * whatever it returns that is not empty must be what c++filt prints for the same input.
 */
class DemanglerFuzzTest {

  private static final long SEED = 0x5eed_a64L;
  private static final int CASES = 20_000;

  /** Characters c++filt treats as part of a symbol (so each input is one token for it). */
  private static final String ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_._$";

  @Test
  void mutatedNamesNeverThrowOrHang() throws Exception {
    List<String> inputs = mutatedNames();
    inputs.addAll(hostileNames());
    int nonEmpty =
        assertTimeoutPreemptively(
            Duration.ofSeconds(60),
            () -> {
              int count = 0;
              for (String s : inputs) {
                Optional<String> r = Demangler.demangle(s); // must not throw
                assertNotNull(r);
                if (r.isPresent()) {
                  count++;
                }
              }
              return count;
            });
    System.out.printf("[demangle] fuzz: %d inputs, %d demangled%n", inputs.size(), nonEmpty);
  }

  @Test
  void mutatedNamesAgreeWithCxxFilt() throws Exception {
    Optional<CxxFiltOracle> cxxfilt = CxxFiltOracle.find();
    dev.a64patch.testing.Tools.assumeAvailable(
        cxxfilt.isPresent(), "c++filt not found on PATH (install binutils); skipping");
    List<String> inputs = mutatedNames();
    List<String> demangled = new ArrayList<>();
    List<Optional<String>> ours = new ArrayList<>();
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          for (String s : inputs) {
            Optional<String> r = Demangler.demangle(s);
            if (r.isPresent()) {
              demangled.add(s);
              ours.add(r);
            }
          }
        });
    // Only our non-empty answers need checking; giving up is always allowed.
    List<String> theirs =
        assertTimeoutPreemptively(
            Duration.ofSeconds(120), () -> cxxfilt.get().demangleAll(demangled));
    OracleComparison c = OracleComparison.of(demangled, ours, theirs);
    System.out.printf(
        "[demangle] fuzz vs c++filt: %d inputs, %d demangled by us, %d identical%n",
        inputs.size(), demangled.size(), c.matched);
    assertEquals(
        List.of(), c.wrong, () -> "wrong demanglings:\n  " + OracleComparison.sample(c.wrong, 20));
    assertTrue(
        demangled.size() > CASES / 20, "too few mutated names still demangle: " + demangled.size());
  }

  /** Real names (the tricky list and, when present, the corpus) mutated with a fixed seed. */
  private static List<String> mutatedNames() throws Exception {
    List<String> seeds = new ArrayList<>();
    for (String n : OracleComparison.trickyNames()) {
      if (n.startsWith("_Z") && n.length() < 400) {
        seeds.add(n);
      }
    }
    Optional<String> nm = CorpusSymbols.nm();
    if (nm.isPresent() && !CorpusSymbols.libraries().isEmpty()) {
      for (String n : CorpusSymbols.names(nm.get(), CorpusSymbols.libraries())) {
        if (n.startsWith("_Z")) {
          seeds.add(n);
        }
      }
    }
    Random r = new Random(SEED);
    List<String> out = new ArrayList<>(CASES);
    for (int i = 0; i < CASES; i++) {
      out.add(mutate(seeds.get(r.nextInt(seeds.size())), seeds, r));
    }
    return out;
  }

  private static String mutate(String s, List<String> seeds, Random r) {
    int steps = 1 + r.nextInt(3);
    for (int j = 0; j < steps && s.length() > 2; j++) {
      int pos = 2 + r.nextInt(s.length() - 2); // keep "_Z" so most inputs get far
      switch (r.nextInt(7)) {
        case 0: // truncate
          s = s.substring(0, pos);
          break;
        case 1: // delete one char
          s = s.substring(0, pos) + s.substring(pos + 1);
          break;
        case 2: // insert one char
          s = s.substring(0, pos) + randomChar(r) + s.substring(pos);
          break;
        case 3: // replace one char
          s = s.substring(0, pos) + randomChar(r) + s.substring(pos + 1);
          break;
        case 4:
          { // duplicate a short run
            int end = Math.min(s.length(), pos + 1 + r.nextInt(8));
            s = s.substring(0, end) + s.substring(pos, end) + s.substring(end);
            break;
          }
        case 5:
          { // splice in the tail of another name
            String other = seeds.get(r.nextInt(seeds.size()));
            s =
                s.substring(0, pos)
                    + other.substring(Math.min(other.length(), 2 + r.nextInt(other.length())));
            break;
          }
        default: // swap two neighbours
          if (pos + 1 < s.length()) {
            s = s.substring(0, pos) + s.charAt(pos + 1) + s.charAt(pos) + s.substring(pos + 2);
          }
      }
    }
    return s;
  }

  private static char randomChar(Random r) {
    return ALPHABET.charAt(r.nextInt(ALPHABET.length()));
  }

  /** Inputs built to blow up: exponential substitution sharing, deep nesting, long lists. */
  static List<String> hostileNames() {
    List<String> out = new ArrayList<>();
    // Each parameter is a<previous, previous>: the output doubles per parameter (c++filt
    // itself runs for minutes on this one).
    StringBuilder doubling = new StringBuilder("_Z1f1aIS_S_E");
    for (int i = 0; i < 60; i++) {
      String id = "S" + Integer.toString(2 * i, 36).toUpperCase() + "_";
      doubling.append("1aI").append(id).append(id).append('E');
    }
    out.add(doubling.toString());
    out.add("_Z1f" + "P".repeat(1018) + "i");
    out.add("_Z1f" + "F".repeat(500) + "v" + "E".repeat(500));
    out.add("_Z1f" + "A1_".repeat(300) + "i");
    out.add("_Z1fI" + "I".repeat(1000));
    out.add("_Z" + "Z".repeat(1000));
    out.add("_Z1fIJiiiiiiiiiiiEE" + "DpT_".repeat(240));
    out.add("_Z1f" + "R".repeat(1000) + "i");
    out.add("_Z1fIiEvDT" + "plfp_".repeat(200) + "fp_E");
    out.add("_Z1f" + "N1a".repeat(340));
    out.add("_Z1fIiE" + "S_".repeat(500));
    out.add("_Z1f" + "1a".repeat(5000)); // far over c++filt's 1024-byte limit
    return out;
  }
}
