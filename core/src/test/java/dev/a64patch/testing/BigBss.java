package dev.a64patch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The large-.bss fixtures, built here from testdata/src (bigbss.h says what they are) with GNU
 * gcc/ld, never committed: a PIE and a shared library (with the program that loads it), each with
 * more than 200 MB of .bss, a read in .text beyond the reach of B from the new segment and a read
 * after .bss within it.
 */
public final class BigBss {
  /** The .bss of each fixture is at least this large. */
  public static final long MIN_BSS = 200L << 20;

  private BigBss() {}

  /** The fixtures, in {@code dir}: {@code bigbss} (PIE), {@code libbigbss.so}, {@code main}. */
  public record Files3(Path pie, Path library, Path main) {}

  public static Files3 build(Path dir) throws IOException {
    Path gcc = Tools.require("aarch64-linux-gnu-gcc");
    Path src = TestData.root().resolve("src").toAbsolutePath();
    List<String> common =
        List.of(
            gcc.toString(),
            "-O2",
            "-g0",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-I" + src,
            "-Wl,--build-id=none");
    Path pie = dir.resolve("bigbss");
    Path lib = dir.resolve("libbigbss.so");
    Path main = dir.resolve("main");
    String late = "-Wl,-T," + src.resolve("late.ld");
    cc(common, List.of("-fPIE", "-pie", late, src.resolve("bigbss.c").toString()), pie);
    cc(common, List.of("-fPIC", "-shared", late, src.resolve("libbigbss.c").toString()), lib);
    cc(
        common,
        List.of(
            src.resolve("bigbss_main.c").toString(), "-L" + dir, "-lbigbss", "-Wl,-rpath,$ORIGIN"),
        main);
    for (Path p : List.of(pie, lib)) {
      assertTrue(bss(p) >= MIN_BSS, p + " has .bss " + bss(p));
      assertTrue(Files.size(p) < 1 << 20, p + " is " + Files.size(p) + " bytes: .bss in the file?");
    }
    return new Files3(pie, lib, main);
  }

  private static void cc(List<String> common, List<String> args, Path out) {
    List<String> cmd = new ArrayList<>(common);
    cmd.addAll(args);
    cmd.add("-o");
    cmd.add(out.toString());
    Tools.Result r = Tools.run(cmd, Duration.ofMinutes(2));
    assertEquals(0, r.exitCode(), r.describe());
  }

  /** The largest p_memsz - p_filesz of the file's PT_LOADs. */
  public static long bss(Path file) throws IOException {
    long most = 0;
    for (ElfSegment s : ElfFile.read(file).segments()) {
      if (s.isLoad()) {
        most = Math.max(most, s.memsz() - s.filesz());
      }
    }
    return most;
  }

  /** Bytes the file occupies on disk ({@code stat %b} blocks of {@code %B} bytes). */
  public static long allocated(Path file) {
    Tools.Result r =
        Tools.run(List.of("stat", "-c", "%b %B", file.toString()), Duration.ofSeconds(10));
    assertEquals(0, r.exitCode(), r.describe());
    String[] f = r.stdout().trim().split(" ");
    return Long.parseLong(f[0]) * Long.parseLong(f[1]);
  }

  /**
   * Skips (fails under CI) unless the file system of {@code dir} keeps holes: a 16 MiB file with
   * one byte written at its end must take less than 1 MiB.
   */
  public static void assumeHoles(Path dir) throws IOException {
    Path probe = dir.resolve(".hole-probe");
    try (FileChannel c =
        FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(new byte[] {1}), (16L << 20) - 1);
    }
    long used = allocated(probe);
    Files.delete(probe);
    Tools.assumeAvailable(used < 1 << 20, "the file system of " + dir + " does not keep holes");
  }
}
