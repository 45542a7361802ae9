package dev.a64patch.core.closure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small file {@code DIR/.a64patch-prepare} that makes a second {@code prepare} cheap: for every
 * file inspected, its {@link FileKey}, content hash, loader view and scan counts; for every entry
 * written to the output directory, what it was made from. One tab-separated record per line; fields
 * are escaped (backslash, tab, newline), an absent value is {@code \0}. A damaged or foreign index
 * is ignored: everything is recomputed.
 */
final class PrepareIndex {
  static final String FILE = ".a64patch-prepare";
  private static final String HEADER = "a64patch-prepare-index 1";

  /**
   * Facts about one input file (reads/rewrites -1 and importsClock null until scanned).
   *
   * @param importsClock whether the file imports the shared clock already (patched in place with
   *     the counter strategy)
   */
  record Facts(
      FileKey key,
      String sha256,
      String optionsFingerprint,
      long reads,
      long rewrites,
      String error,
      Boolean importsClock,
      DynamicInfo info) {
    Facts withScan(String sha, String fingerprint, long r, long w, String err, boolean clock) {
      return new Facts(key, sha, fingerprint, r, w, err, clock, info);
    }
  }

  /** One entry of the output directory: a patched copy or a link to an original. */
  record Output(String kind, String source, String sha256, String fingerprint, FileKey written) {}

  final Map<String, Facts> facts = new TreeMap<>();
  final Map<String, Output> outputs = new TreeMap<>();

  static PrepareIndex load(Path dir) {
    PrepareIndex idx = new PrepareIndex();
    try {
      List<String> lines = Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
        return idx;
      }
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.split("\t", -1);
        if (f[0].equals("F") && f.length == 16) {
          DynamicInfo info =
              new DynamicInfo(
                  un(f[9]),
                  un(f[10]),
                  un(f[11]),
                  list(un(f[15])),
                  un(f[12]),
                  un(f[13]),
                  f[14].equals("1"));
          idx.facts.put(
              un(f[1]),
              new Facts(
                  FileKey.decode(f[2]),
                  un(f[3]),
                  un(f[4]),
                  Long.parseLong(f[5]),
                  Long.parseLong(f[6]),
                  un(f[7]),
                  f[8].equals("-") ? null : f[8].equals("1"),
                  info));
        } else if (f[0].equals("O") && f.length == 7) {
          idx.outputs.put(
              un(f[1]), new Output(un(f[2]), un(f[3]), un(f[4]), un(f[5]), FileKey.decode(f[6])));
        }
      }
    } catch (NoSuchFileException e) {
      // first run
    } catch (IOException | RuntimeException e) {
      return new PrepareIndex(); // unreadable or damaged: recompute everything
    }
    return idx;
  }

  String serialize() {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    facts.forEach(
        (path, x) -> {
          DynamicInfo i = x.info();
          row(
              b,
              "F",
              esc(path),
              x.key().encode(),
              esc(x.sha256()),
              esc(x.optionsFingerprint()),
              Long.toString(x.reads()),
              Long.toString(x.rewrites()),
              esc(x.error()),
              x.importsClock() == null ? "-" : x.importsClock() ? "1" : "0",
              esc(i.mismatch()),
              esc(i.interp()),
              esc(i.soname()),
              esc(i.rpath()),
              esc(i.runpath()),
              i.nodeflib() ? "1" : "0",
              esc(String.join("\u001f", i.needed())));
        });
    outputs.forEach(
        (name, o) ->
            row(
                b,
                "O",
                esc(name),
                esc(o.kind()),
                esc(o.source()),
                esc(o.sha256()),
                esc(o.fingerprint()),
                o.written().encode()));
    return b.toString();
  }

  private static void row(StringBuilder b, String... fields) {
    b.append(String.join("\t", fields)).append('\n');
  }

  private static List<String> list(String joined) {
    return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split("\u001f", -1));
  }

  private static String esc(String s) {
    if (s == null) {
      return "\\0";
    }
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }

  private static String un(String s) {
    if (s.equals("\\0")) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static List<String> sorted(java.util.Collection<String> c) {
    List<String> l = new ArrayList<>(c);
    l.sort(null);
    return l;
  }
}
