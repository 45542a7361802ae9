package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Say when a read stays: verify fails on selected reads left unpatched; zero/nop warn on loops. */
class UnpatchedReadsTest {
  @TempDir Path dir;

  /**
   * A library (built here with GNU as/ld) with one read in a function and one that nothing reaches
   * or excludes: after a word that is no instruction, outside any function (uncertain).
   */
  Path library() throws Exception {
    Path src = dir.resolve("mixed.s");
    Files.writeString(
        src,
        String.join(
            "\n",
            ".text",
            ".globl tick",
            ".type tick, %function",
            "tick: mrs x0, cntvct_el0",
            "  ret",
            ".size tick, .-tick",
            ".word 0",
            "  mrs x1, cntvct_el0",
            "  ret",
            ".section .note.GNU-stack,\"\",%progbits",
            ""));
    Path obj = dir.resolve("mixed.o");
    Path lib = dir.resolve("libmixed.so");
    Tools.Result a =
        Tools.run(
            List.of(
                Tools.require("aarch64-linux-gnu-as").toString(),
                "-o",
                obj.toString(),
                src.toString()),
            Duration.ofMinutes(1));
    assertEquals(0, a.exitCode(), a.describe());
    Tools.Result l =
        Tools.run(
            List.of(
                Tools.require("aarch64-linux-gnu-ld").toString(),
                "-shared",
                "--build-id=none",
                "-o",
                lib.toString(),
                obj.toString()),
            Duration.ofMinutes(1));
    assertEquals(0, l.exitCode(), l.describe());
    return lib;
  }

  @Test
  void verifyFailsOnAnUncertainReadLeftAloneUnlessAllowed() throws Exception {
    Path lib = library();
    CliRunner.Run p = CliRunner.run("patch", lib.toString());
    assertEquals(0, p.exitCode(), p.err());
    assertTrue(p.out().contains("patched 1 of 2"), p.out());

    CliRunner.Run v = CliRunner.run("verify", lib.toString());
    assertEquals(ExitCode.VERIFY_FAILED.code(), v.exitCode(), v.out());
    assertTrue(v.out().startsWith(lib + ": FAILED"), v.out());
    assertTrue(v.out().contains("  unpatched: 0x"), v.out());
    assertTrue(v.out().contains("CNTVCT_EL0 x1: uncertain"), v.out());

    CliRunner.Run allowed = CliRunner.run("verify", "--allow-unpatched", lib.toString());
    assertEquals(0, allowed.exitCode(), allowed.out());
    assertTrue(allowed.out().startsWith(lib + ": ok"), allowed.out());
    assertTrue(allowed.out().contains("  unpatched (allowed): 0x"), allowed.out());

    CliRunner.Run json = CliRunner.run("verify", "--format", "json", lib.toString());
    assertEquals(ExitCode.VERIFY_FAILED.code(), json.exitCode());
    var file = PatchCommandTest.JSON.readTree(json.out()).get("files").get(0);
    assertFalse(file.get("ok").asBoolean());
    assertEquals(1, file.get("unpatched").size(), json.out());
  }

  @Test
  void everySelectedReadPatchedVerifiesWithoutTheOption() throws Exception {
    Path lib = library();
    CliRunner.Run p = CliRunner.run("patch", "--include-uncertain", lib.toString());
    assertEquals(0, p.exitCode(), p.err());
    CliRunner.Run v = CliRunner.run("verify", lib.toString());
    assertEquals(0, v.exitCode(), v.out());
    assertFalse(v.out().contains("unpatched"), v.out());
  }

  @Test
  void zeroWarnsAboutAReadInsideALoop() throws Exception {
    Path spin = dir.resolve("spin");
    CliRunner.Run p =
        CliRunner.run(
            "patch", "--strategy", "zero", "-o", spin.toString(), TestData.bin("spin").toString());
    assertEquals(0, p.exitCode(), p.err());
    assertTrue(p.err().contains("a64patch: warning: "), p.err());
    assertTrue(p.err().contains("inside a loop"), p.err());
    CliRunner.Run counter =
        CliRunner.run(
            "patch", "-o", dir.resolve("spin2").toString(), TestData.bin("spin").toString());
    assertFalse(counter.err().contains("inside a loop"), "trampolines keep the counter advancing");
  }
}
