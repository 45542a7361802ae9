package dev.a64patch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The committed test binaries in {@code testdata/bin}, described by {@code MANIFEST.tsv} (written
 * by testdata/build.sh).
 */
public final class TestData {
  private TestData() {}

  /** One line of MANIFEST.tsv. */
  public record Binary(
      String name,
      String kind,
      String compiler,
      String flags,
      boolean runnable,
      List<String> args,
      String notes) {
    /** Values of {@code key=value} items in the notes column (e.g. env, runner, needs). */
    public List<String> note(String key) {
      List<String> out = new ArrayList<>();
      for (String item : notes.split(";")) {
        String t = item.trim();
        if (t.startsWith(key + "=")) {
          out.add(expand(t.substring(key.length() + 1)));
        }
      }
      return out;
    }

    public boolean needsCorpus() {
      return note("needs").contains("corpus");
    }

    public Path path() {
      return bin(name);
    }

    public boolean isShared() {
      return kind.equals("shared");
    }

    public boolean isObject() {
      return kind.equals("object-only");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public static Path root() {
    String prop = System.getProperty("a64patch.testdata");
    Path p = prop != null ? Path.of(prop) : findUp();
    if (!Files.isDirectory(p.resolve("bin"))) {
      throw new IllegalStateException(
          "testdata/bin not found at " + p + " (set -Da64patch.testdata)");
    }
    return p;
  }

  private static Path findUp() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("testdata/bin"))) {
      dir = dir.getParent();
    }
    return dir == null ? Path.of("testdata") : dir.resolve("testdata");
  }

  public static Path bin(String name) {
    return root().resolve("bin").resolve(name);
  }

  /** Copies the binary {@code name} into {@code dir}, with its mode and times; returns the copy. */
  public static Path copy(String name, Path dir) throws IOException {
    return Files.copy(bin(name), dir.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
  }

  public static List<Binary> manifest() {
    try {
      List<String> lines = Files.readAllLines(root().resolve("bin/MANIFEST.tsv"));
      List<Binary> out = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        List<String> args =
            f[5].equals("-") || f[5].isEmpty()
                ? List.of()
                : java.util.Arrays.stream(f[5].split(" ")).map(TestData::expand).toList();
        out.add(
            new Binary(f[0], f[1], f[2], f[3], f[4].equals("yes"), args, f.length > 6 ? f[6] : ""));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Expands the MANIFEST placeholders ${BIN} and ${CORPUS}. */
  static String expand(String s) {
    return s.replace("${BIN}", root().resolve("bin").toAbsolutePath().toString())
        .replace("${CORPUS}", Corpus.root().resolve("root").toString());
  }

  public static List<Binary> manifest(Predicate<Binary> filter) {
    return manifest().stream().filter(filter).toList();
  }

  public static Binary named(String name) {
    return manifest().stream()
        .filter(b -> b.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + " not in MANIFEST.tsv"));
  }

  /** AArch64 ELF binaries of the manifest (everything except the other-machine inputs). */
  public static List<Binary> aarch64() {
    return manifest(b -> !b.name().startsWith("hello-"));
  }

  /** Runnable AArch64 programs (little-endian, default qemu cpu). */
  public static List<Binary> runnable() {
    return manifest(Binary::runnable);
  }
}
