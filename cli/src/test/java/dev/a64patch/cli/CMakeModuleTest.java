package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.patch.Verifier;
import dev.a64patch.core.patch.VerifyReport;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Objdump;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cmake/A64Patch.cmake in a real cross build: testdata/cmake-project is configured with the AArch64
 * toolchain file and built; the POST_BUILD steps call this module's command line (through a script
 * running the test classpath, since the shaded jar is only built after the tests).
 */
class CMakeModuleTest {
  static final Path PROJECT = TestData.root().resolve("cmake-project");
  static final Path TOOLCHAIN = PROJECT.resolve("aarch64-linux-gnu.cmake").toAbsolutePath();

  @TempDir static Path tmp;
  static Path cli;

  @BeforeAll
  static void commandLine() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    cli = tmp.resolve("a64patch");
    Files.writeString(
        cli,
        "#!/bin/sh\nexec '"
            + java
            + "' -Xlog:disable -cp '"
            + classpath
            + "' dev.a64patch.cli.Main \"$@\"\n");
    Files.setPosixFilePermissions(cli, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static Tools.Result cmake(String... args) {
    Path cmake = Tools.require("cmake");
    Tools.require("aarch64-linux-gnu-gcc");
    List<String> cmd = new ArrayList<>(List.of(cmake.toString()));
    cmd.addAll(List.of(args));
    return Tools.run(cmd, Duration.ofMinutes(5), Map.of(), null);
  }

  /** Configures and builds the project in {@code build}; returns the build's result. */
  static Tools.Result build(Path build, String... defines) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-S",
                PROJECT.toString(),
                "-B",
                build.toString(),
                "-DCMAKE_TOOLCHAIN_FILE=" + TOOLCHAIN,
                "-DA64PATCH_EXECUTABLE=" + cli));
    args.addAll(List.of(defines));
    Tools.Result configure = cmake(args.toArray(String[]::new));
    assertEquals(0, configure.exitCode(), configure.describe());
    return cmake("--build", build.toString());
  }

  static List<Objdump.Site> counterReads(Path file) {
    return Objdump.sites(file).stream()
        .filter(s -> !s.data() && s.register().matches("CNT[VP]CT(SS)?_EL0"))
        .toList();
  }

  static List<String> tLines(Tools.Result r) {
    return r.stdout().lines().filter(l -> l.startsWith("T ")).toList();
  }

  @Test
  void theBuildPatchesBothOutputsAndTheyRunDeterministically() throws Exception {
    Path plain = tmp.resolve("plain");
    Tools.Result p = build(plain, "-DCNT_A64PATCH=off");
    assertEquals(0, p.exitCode(), p.describe());
    assertEquals(
        3,
        counterReads(plain.resolve("libcntlib.so")).size(),
        "objdump: cntlib_ticks x0, cntlib_elapsed x4 and x5");
    assertEquals(1, counterReads(plain.resolve("cntapp")).size(), "objdump: app_ticks x9");

    Path patched = tmp.resolve("patched");
    Tools.Result b = build(patched);
    assertEquals(0, b.exitCode(), b.describe());
    assertTrue(b.stdout().contains("a64patch: patching cntlib (strategy counter)"), b.stdout());
    assertTrue(
        b.stdout().contains("libcntlib.so: patched 3 of 3 read(s) (strategy counter)"), b.stdout());
    assertTrue(b.stdout().contains("cntapp: patched 1 of 1 read(s)"), b.stdout());
    for (String name : List.of("libcntlib.so", "cntapp")) {
      Path out = patched.resolve(name);
      VerifyReport v = Verifier.verify(ElfFile.read(out));
      assertTrue(v.patched() && v.ok(), name + ": " + v);
      assertEquals(List.of(), counterReads(out), name + ": objdump still sees counter reads");
    }

    // Unpatched, the counter moves between runs (the test can fail); patched, the T lines repeat.
    Tools.Result u1 = Qemu.run(plain.resolve("cntapp"));
    Tools.Result u2 = Qemu.run(plain.resolve("cntapp"));
    assertEquals(0, u1.exitCode(), u1.describe());
    assertNotEquals(tLines(u1), tLines(u2), "unpatched values differ run to run");
    Tools.Result r1 = Qemu.run(patched.resolve("cntapp"));
    Tools.Result r2 = Qemu.run(patched.resolve("cntapp"));
    assertEquals(0, r1.exitCode(), r1.describe());
    assertEquals(
        List.of("T app 4294967297", "T lib 4294967297", "T elapsed 1000"),
        tLines(r1),
        "without the runtime library, app and library each count from 2^32 + 1 in steps of 1000");
    assertEquals(tLines(r1), tLines(r2));
    assertTrue(r1.stdout().contains("ordered yes\nok\n"), r1.stdout());

    // A second build relinks nothing and leaves the patched files as they are.
    byte[] lib = Files.readAllBytes(patched.resolve("libcntlib.so"));
    Tools.Result again = cmake("--build", patched.toString());
    assertEquals(0, again.exitCode(), again.describe());
    assertFalse(again.stdout().contains("a64patch: patching"), again.stdout());
    assertArrayEquals(lib, Files.readAllBytes(patched.resolve("libcntlib.so")));
  }

  @Test
  void strategyAndOptionsReachTheCommandLine() throws Exception {
    Path zero = tmp.resolve("zero");
    Tools.Result b = build(zero, "-DCNT_A64PATCH_STRATEGY=zero");
    assertEquals(0, b.exitCode(), b.describe());
    assertTrue(
        b.stdout()
            .contains(
                "libcntlib.so: patched 3 of 3 read(s) (strategy zero): 0 by trampoline, 3 in place"),
        b.stdout());
    Tools.Result r = Qemu.run(zero.resolve("cntapp"));
    assertEquals(List.of("T app 0", "T lib 0", "T elapsed 0"), tLines(r), r.describe());
  }

  @Test
  void checkOnlyFailsTheBuildWhileReadsAreUnpatched() throws Exception {
    Path check = tmp.resolve("check");
    Tools.Result b = build(check, "-DCNT_A64PATCH=check");
    assertNotEquals(0, b.exitCode(), b.describe());
    String out = b.stdout() + b.stderr();
    assertTrue(out.contains("a64patch: checking that cntlib has no unpatched counter reads"), out);
    assertTrue(out.contains("unpatched CNTVCT_EL0 read into x0 at 0x530 in cntlib_ticks"), out);
    assertFalse(
        Files.exists(check.resolve("libcntlib.so")), "make deletes the output of a failed step");
  }

  @Test
  void checkOnlyPassesOnPatchedOutputsAndBadArgumentsStopConfigure() throws Exception {
    Path dir = tmp.resolve("usage");
    Files.createDirectories(dir.resolve("src"));
    Files.copy(PROJECT.resolve("src/cntlib.c"), dir.resolve("src/cntlib.c"));
    Files.copy(PROJECT.resolve("src/cntlib.h"), dir.resolve("src/cntlib.h"));
    Path module = TestData.root().getParent().resolve("cmake");
    Files.writeString(
        dir.resolve("CMakeLists.txt"),
        """
                cmake_minimum_required(VERSION 3.13)
                project(usage C)
                list(APPEND CMAKE_MODULE_PATH "%s")
                include(A64Patch)
                add_library(a SHARED src/cntlib.c)
                a64patch_target(a NO_VERIFY OPTIONS --step 7)
                a64patch_target(a CHECK_ONLY)
                if(BAD)
                  add_library(s STATIC src/cntlib.c)
                  a64patch_target(s)
                endif()
                """
            .formatted(module));
    Tools.Result configure =
        cmake(
            "-S",
            dir.toString(),
            "-B",
            dir.resolve("b").toString(),
            "-DCMAKE_TOOLCHAIN_FILE=" + TOOLCHAIN,
            "-DA64PATCH_EXECUTABLE=" + cli);
    assertEquals(0, configure.exitCode(), configure.describe());
    Tools.Result b = cmake("--build", dir.resolve("b").toString());
    assertEquals(0, b.exitCode(), b.describe());
    assertTrue(b.stdout().contains("liba.so: ok (3 sites recorded)"), b.stdout());

    Tools.Result bad =
        cmake(
            "-S",
            dir.toString(),
            "-B",
            dir.resolve("bad").toString(),
            "-DCMAKE_TOOLCHAIN_FILE=" + TOOLCHAIN,
            "-DA64PATCH_EXECUTABLE=" + cli,
            "-DBAD=ON");
    assertNotEquals(0, bad.exitCode());
    assertTrue(
        bad.stderr().contains("a64patch_target(s): a STATIC_LIBRARY is not a linked ELF file"),
        bad.stderr());
  }

  @Test
  void inAnA64patchCheckoutTheLauncherIsTheDefault() throws Exception {
    Path build = tmp.resolve("default");
    Tools.Result configure =
        cmake(
            "-S",
            PROJECT.toString(),
            "-B",
            build.toString(),
            "-DCMAKE_TOOLCHAIN_FILE=" + TOOLCHAIN);
    assertEquals(0, configure.exitCode(), configure.describe());
    Path launcher = TestData.root().getParent().resolve("a64patch").toAbsolutePath().normalize();
    assertTrue(configure.stdout().contains("-- a64patch: " + launcher + "\n"), configure.stdout());
    assertTrue(
        Files.readString(build.resolve("CMakeCache.txt"))
            .contains("A64PATCH_EXECUTABLE:FILEPATH=" + launcher + "\n"));
  }
}
