package dev.a64patch.core.demangle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Symbol names of the Debian arm64 libraries fetched by .ci/fetch-corpus.sh (abseil, DPDK EAL,
 * gperftools, jemalloc), read with binutils nm.
 */
final class CorpusSymbols {

  private CorpusSymbols() {}

  /**
   * The corpus folder: system property {@code a64patch.corpus}, else environment variable {@code
   * A64PATCH_CORPUS}, else {@code ~/.cache/a64patch-corpus}.
   */
  static Path location() {
    String prop = System.getProperty("a64patch.corpus");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv("A64PATCH_CORPUS");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "a64patch-corpus");
  }

  static Path libraryDir() {
    return location().resolve("root/usr/lib/aarch64-linux-gnu");
  }

  /** AArch64 ELF files (not symlinks) in the corpus library folder. */
  static List<Path> libraries() throws IOException {
    Path dir = libraryDir();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && isAarch64Elf(f)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static boolean isAarch64Elf(Path f) throws IOException {
    byte[] h = new byte[20];
    try (InputStream in = Files.newInputStream(f)) {
      if (in.readNBytes(h, 0, h.length) < h.length) {
        return false;
      }
    }
    // \x7fELF, ELFCLASS64, little endian, e_machine EM_AARCH64 (183).
    return h[0] == 0x7f
        && h[1] == 'E'
        && h[2] == 'L'
        && h[3] == 'F'
        && h[4] == 2
        && h[5] == 1
        && (h[18] & 0xff) == 183
        && h[19] == 0;
  }

  /** The nm to use: the AArch64 cross one if installed, else the host's (BFD reads both). */
  static Optional<String> nm() {
    for (String name : List.of("aarch64-linux-gnu-nm", "nm")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate.toString());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Distinct defined symbol names, from the dynamic symbol table ({@code nm -D}) and, where the
   * file still has one, the full symbol table; version suffixes ({@code @@VER}) removed.
   */
  static synchronized List<String> names(String nm, List<Path> libraries) throws IOException {
    List<String> key = new ArrayList<>(List.of(nm));
    libraries.forEach(l -> key.add(l.toString()));
    if (!key.equals(cachedKey)) {
      // One nm run per table for all files: process start-up dominates otherwise.
      TreeSet<String> names = new TreeSet<>();
      names.addAll(run(command(nm, List.of("-D", "--defined-only"), libraries)));
      names.addAll(
          run(command(nm, List.of("--defined-only"), libraries))); // "no symbols" if stripped
      cachedKey = key;
      cachedNames = List.copyOf(names);
    }
    return cachedNames;
  }

  private static List<String> cachedKey;
  private static List<String> cachedNames;

  private static List<String> command(String nm, List<String> options, List<Path> files) {
    List<String> cmd = new ArrayList<>();
    cmd.add(nm);
    cmd.addAll(options);
    files.forEach(f -> cmd.add(f.toString()));
    return cmd;
  }

  private static List<String> run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    List<String> names = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        // "<address> <type> <name>"; the "file:" headers between files have one field.
        String[] parts = line.trim().split("\\s+");
        String name = parts[parts.length - 1];
        int at = name.indexOf('@');
        if (at > 0) {
          name = name.substring(0, at);
        }
        if (parts.length >= 2 && !name.isEmpty()) {
          names.add(name);
        }
      }
    }
    try {
      p.waitFor(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return names;
  }
}
