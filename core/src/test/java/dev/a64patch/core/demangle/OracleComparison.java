package dev.a64patch.core.demangle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Our answers next to c++filt's for a batch of names, classified by the rule the tests enforce: for
 * every name the demangler returns exactly what c++filt prints, or gives up (empty).
 */
final class OracleComparison {

  /** Names whose non-empty result differs from c++filt (c++filt failing counts as differing). */
  final List<String> wrong = new ArrayList<>();

  /** Names c++filt demangles but we gave up on. */
  final List<String> gaveUp = new ArrayList<>();

  /** Names c++filt demangles (prints something other than the input). */
  int cxxfiltDemangled;

  /** Names we demangled, identically to c++filt. */
  int matched;

  private OracleComparison() {}

  static OracleComparison of(List<String> names, List<Optional<String>> ours, List<String> theirs) {
    OracleComparison c = new OracleComparison();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String expected = theirs.get(i);
      boolean cxxfiltOk = !expected.equals(name);
      if (cxxfiltOk) {
        c.cxxfiltDemangled++;
      }
      Optional<String> got = ours.get(i);
      if (got.isEmpty()) {
        if (cxxfiltOk) {
          c.gaveUp.add(name);
        }
      } else if (got.get().equals(expected)) {
        c.matched++;
      } else {
        c.wrong.add(name + "\n    c++filt: " + expected + "\n    ours:    " + got.get());
      }
    }
    return c;
  }

  static List<Optional<String>> demangleAll(List<String> names) {
    List<Optional<String>> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(Demangler.demangle(n));
    }
    return out;
  }

  /** The committed tricky names: one per line, '#' comments and blank lines skipped. */
  static List<String> trickyNames() throws IOException {
    try (InputStream in = OracleComparison.class.getResourceAsStream("tricky-names.txt")) {
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

  static String sample(List<String> items, int max) {
    return String.join("\n  ", items.subList(0, Math.min(max, items.size())))
        + (items.size() > max ? "\n  ... " + (items.size() - max) + " more" : "");
  }
}
