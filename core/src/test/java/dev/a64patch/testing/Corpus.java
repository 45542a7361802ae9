package dev.a64patch.testing;

import dev.a64patch.core.scan.AArch64Check;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Real Debian arm64 libraries fetched by .ci/fetch-corpus.sh into a cache outside the repository
 * ({@code -Da64patch.corpus}, {@code $A64PATCH_CORPUS}, or {@code ~/.cache/a64patch-corpus}). Tests
 * that need them skip with the reason when absent, and fail under {@code CI=true} (see {@link
 * Tools#assumeAvailable}).
 */
public final class Corpus {
  private Corpus() {}

  public static Path root() {
    String prop = System.getProperty("a64patch.corpus");
    if (prop == null || prop.isBlank()) {
      prop = System.getenv("A64PATCH_CORPUS");
    }
    Path p =
        prop != null && !prop.isBlank()
            ? Path.of(prop)
            : Path.of(System.getProperty("user.home"), ".cache", "a64patch-corpus");
    return p;
  }

  public static Path libDir() {
    Path dir = root().resolve("root/usr/lib/aarch64-linux-gnu");
    Tools.assumeAvailable(
        Files.isDirectory(dir),
        "corpus not downloaded: run .ci/fetch-corpus.sh (expected " + dir + ")");
    return dir;
  }

  /** The one library whose file name starts with {@code prefix}, e.g. {@code libabsl_base.so.}. */
  public static Path lib(String prefix) {
    try (Stream<Path> s = Files.list(libDir())) {
      List<Path> found =
          s.filter(p -> p.getFileName().toString().startsWith(prefix))
              .filter(Files::isRegularFile)
              .sorted()
              .toList();
      Tools.assumeAvailable(!found.isEmpty(), "corpus has no " + prefix + "* under " + libDir());
      return found.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A program of the second corpus, fetched by .ci/run into the corpus folder's {@code dpdk/}
   * (Debian's dpdk-test and the libraries it needs): its path, with the library folders to put on
   * {@code LD_LIBRARY_PATH} to run it.
   */
  public static Path dpdkProgram(String name) {
    Path p = root().resolve("dpdk/root/usr/bin").resolve(name);
    Tools.assumeAvailable(
        Files.isRegularFile(p), "dpdk corpus not downloaded: run .ci/run (expected " + p + ")");
    return p;
  }

  /** The library folders of the dpdk corpus ({@link #dpdkProgram}), as an LD_LIBRARY_PATH. */
  public static String dpdkLibraryPath() {
    Path r = root().resolve("dpdk/root");
    return r.resolve("usr/lib/aarch64-linux-gnu") + ":" + r.resolve("lib/aarch64-linux-gnu");
  }

  /** Every regular ELF file of the corpus (per its MANIFEST of sha256 and path). */
  public static List<Path> all() {
    Path manifest = root().resolve("MANIFEST");
    Tools.assumeAvailable(Files.isRegularFile(manifest), "corpus not downloaded: no " + manifest);
    try {
      return Files.readAllLines(manifest).stream()
          .filter(l -> !l.isBlank())
          .map(l -> root().resolve("root").resolve(l.substring(l.indexOf(' ')).trim()).normalize())
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every AArch64 testdata binary, then every corpus file: the real inputs to compare over. */
  public static List<Path> withTestData() {
    List<Path> files = new ArrayList<>();
    TestData.aarch64().forEach(b -> files.add(b.path()));
    files.addAll(all());
    return files;
  }

  /** A file of a comparison over real inputs, and its contents read as ELF. */
  public record Read(Path path, ElfFile elf) {}

  /** Those of {@code files} that read as AArch64 ELF files (see {@link #readAArch64}), in order. */
  public static List<Read> readable(List<Path> files) throws IOException {
    List<Read> out = new ArrayList<>();
    for (Path p : files) {
      Optional<ElfFile> elf = readAArch64(p);
      if (elf.isPresent()) {
        out.add(new Read(p, elf.get()));
      }
    }
    return out;
  }

  /** {@code p} read as an AArch64 ELF file, or empty when it is not one (or is malformed). */
  public static Optional<ElfFile> readAArch64(Path p) throws IOException {
    try {
      ElfFile elf = ElfFile.read(p);
      AArch64Check.require(elf);
      return Optional.of(elf);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
