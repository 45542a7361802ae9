package dev.a64patch.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A directory tree built by the test, whose right report is known from how it was built: nested
 * directories, a hard link and symbolic links (to a file, to a directory, a loop, one dangling, two
 * leading out of the tree), a FIFO, non-ELF files, ELF files of other machines, malformed files,
 * testdata binaries, a JAR holding AArch64 and x86-64 .so entries, and a zip holding a JAR. Paths
 * in the expectations are as the scanner names them: {@code root.resolve(rel)}.
 */
public final class TestTree {
  /**
   * A file that must be scanned, and the testdata binary with the same bytes (for the objdump
   * oracle).
   */
  public record Scanned(String path, Path source) {}

  /** The totals a scan of the whole tree must count (see ScanTotals and ScanReport.nonElf). */
  public record Totals(
      long files,
      long directories,
      long archives,
      long entries,
      long elf,
      long duplicates,
      long notRegular,
      long outside,
      long nonElf) {}

  public static final Totals TOTALS = new Totals(14, 8, 3, 9, 12, 2, 2, 2, 7);

  private final Path root;
  private final List<Scanned> scanned = new ArrayList<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();
  private final List<String> badInput = new ArrayList<>();

  private TestTree(Path root) {
    this.root = root;
  }

  /**
   * Builds the tree at {@code root} (which must not exist); a file outside it is made next to it.
   */
  public static TestTree build(Path root) {
    Tools.require("mkfifo");
    TestTree t = new TestTree(root);
    try {
      t.make();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t;
  }

  public Path root() {
    return root;
  }

  public List<Scanned> scanned() {
    return scanned;
  }

  /** Path -> why (a fragment of the message): ELF files of other machines. */
  public Map<String, String> skipped() {
    return skipped;
  }

  public List<String> badInput() {
    return badInput;
  }

  private String name(String rel) {
    return root.resolve(rel).toString();
  }

  private void make() throws IOException {
    Files.createDirectories(root);
    copy("counters-gcc-pie", "bin/counters-gcc-pie", true);
    copy("counters-clang-static", "bin/counters-clang-static", true);
    copy("be-counter", "bin/be-counter", true);
    copy("hello-x86_64", "bin/hello-x86_64", false);
    skipped.put(name("bin/hello-x86_64"), "x86-64");
    copy("hello-arm32", "bin/hello-arm32", false);
    skipped.put(name("bin/hello-arm32"), "ARM");
    Files.createLink(root.resolve("bin/pie-hardlink"), root.resolve("bin/counters-gcc-pie"));
    copy("libcounters.so", "lib/libcounters.so", true);
    Files.createSymbolicLink(root.resolve("lib/libcounters.so.1"), Path.of("libcounters.so"));
    copy("libcounters-clang.so", "lib/nested/deeper/libcounters-clang.so", true);
    Files.createSymbolicLink(root.resolve("linkdir"), Path.of("lib/nested"));
    Files.writeString(mkdirs("docs/README.txt"), "not an ELF file\n");
    Files.createFile(root.resolve("docs/empty"));
    Files.writeString(root.resolve("docs/notes.md"), "# ELF\n\u007fEL is not the magic\n");
    Files.write(mkdirs("broken/truncated.so"), Arrays.copyOf(bin("counters-gcc-pie"), 100));
    badInput.add(name("broken/truncated.so"));
    Files.write(
        root.resolve("broken/bad.jar"),
        "PK\u0003\u0004 but not a zip at all".getBytes(StandardCharsets.ISO_8859_1));
    badInput.add(name("broken/bad.jar"));
    makeJars();
    Tools.Result r =
        Tools.run(List.of("mkfifo", root.resolve("fifo").toString()), Duration.ofSeconds(30));
    if (r.exitCode() != 0) {
      throw new IOException("mkfifo failed: " + r.describe());
    }
    Files.createSymbolicLink(root.resolve("loop"), Path.of("."));
    Files.createSymbolicLink(root.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("dangling"), Path.of("no-such-file"));
    Path outsideFile = root.resolveSibling(root.getFileName() + "-outside.so");
    Files.write(outsideFile, bin("counters-gcc-pie"));
    Files.createSymbolicLink(root.resolve("outside-file"), outsideFile.toAbsolutePath());
  }

  private void makeJars() throws IOException {
    String jar = name("jars/native.jar");
    zip(
        mkdirs("jars/native.jar"),
        Map.of(
            "META-INF/MANIFEST.MF",
                "Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "com/example/Native.class",
                new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61},
            "lib/arm64-v8a/libcounters.so", bin("libcounters.so"),
            "lib/x86_64/libhello.so", bin("hello-x86_64"),
            "natives/linux-aarch64/libcounters-bti.so", bin("libcounters-bti.so")));
    scanned.add(
        new Scanned(jar + "!/lib/arm64-v8a/libcounters.so", TestData.bin("libcounters.so")));
    scanned.add(
        new Scanned(
            jar + "!/natives/linux-aarch64/libcounters-bti.so",
            TestData.bin("libcounters-bti.so")));
    skipped.put(jar + "!/lib/x86_64/libhello.so", "x86-64");
    ByteArrayOutputStream inner = new ByteArrayOutputStream();
    zip(
        inner,
        Map.of(
            "lib/arm64-v8a/libcounters-clang.so",
            bin("libcounters-clang.so"),
            "THIRD-PARTY.txt",
            "nothing to see\n".getBytes(StandardCharsets.US_ASCII)));
    zip(
        root.resolve("jars/bundle.zip"),
        Map.of(
            "inner.jar",
            inner.toByteArray(),
            "readme.txt",
            "a jar in a zip\n".getBytes(StandardCharsets.US_ASCII)));
    scanned.add(
        new Scanned(
            name("jars/bundle.zip") + "!/inner.jar!/lib/arm64-v8a/libcounters-clang.so",
            TestData.bin("libcounters-clang.so")));
  }

  private void copy(String testdata, String rel, boolean aarch64) throws IOException {
    Files.copy(TestData.bin(testdata), mkdirs(rel));
    if (aarch64) {
      scanned.add(new Scanned(name(rel), TestData.bin(testdata)));
    }
  }

  private Path mkdirs(String rel) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    return p;
  }

  private static byte[] bin(String name) throws IOException {
    return Files.readAllBytes(TestData.bin(name));
  }

  /** A zip whose entries appear in name order (as Map.of gives no order). */
  public static void zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      zip(out, entries);
    }
  }

  public static void zip(OutputStream out, Map<String, byte[]> entries) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(out)) {
      for (String name : entries.keySet().stream().sorted().toList()) {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0);
        z.putNextEntry(e);
        z.write(entries.get(name));
        z.closeEntry();
      }
    }
  }
}
