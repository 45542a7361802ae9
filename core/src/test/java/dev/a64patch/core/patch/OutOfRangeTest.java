package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Listing;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library whose code spans more than 128 MiB (generated here with GNU as/ld, never committed):
 * the read at its start is beyond the reach of B from the new segment, the one at its end is not.
 * Each --out-of-range policy is applied and reported, and the library still loads and runs.
 */
class OutOfRangeTest {
  @TempDir static Path dir;
  static Path big;

  @BeforeAll
  static void buildLibrary() throws Exception {
    Path as = Tools.require("aarch64-linux-gnu-as");
    Path ld = Tools.require("aarch64-linux-gnu-ld");
    Path src = dir.resolve("big.s");
    Files.writeString(
        src,
        String.join(
            "\n",
            ".text",
            ".globl near_start",
            ".type near_start, %function",
            "near_start: mrs x0, cntvct_el0",
            "  ret",
            ".size near_start, .-near_start",
            ".space 140 * 1024 * 1024",
            ".globl near_end",
            ".type near_end, %function",
            "near_end: mrs x0, cntvct_el0",
            "  ret",
            ".size near_end, .-near_end",
            ""));
    Path obj = dir.resolve("big.o");
    big = dir.resolve("libbig.so");
    Tools.Result a =
        Tools.run(
            List.of(as.toString(), "-o", obj.toString(), src.toString()), Duration.ofMinutes(2));
    assertEquals(0, a.exitCode(), a.describe());
    Tools.Result l =
        Tools.run(
            List.of(ld.toString(), "-shared", "-o", big.toString(), obj.toString()),
            Duration.ofMinutes(2));
    assertEquals(0, l.exitCode(), l.describe());
    Files.delete(obj);
    assertTrue(Files.size(big) > 128L << 20);
  }

  static PatchOptions policy(OutOfRangePolicy p) {
    return new PatchOptions(
        Strategy.COUNTER,
        Set.of(),
        1000,
        PatchOptions.DEFAULT_FREQUENCY,
        false,
        p,
        RndrMode.OFF,
        PatchOptions.DEFAULT_MAX_PADDING);
  }

  @Test
  void failPolicyRefusesAndWritesNothing() throws Exception {
    byte[] before = Files.readAllBytes(big);
    Path out = dir.resolve("fail.so");
    PatchException e =
        assertThrows(
            PatchException.class,
            () ->
                Patcher.patch(
                    big, out, policy(OutOfRangePolicy.FAIL), false, PatchWriter.Hooks.NONE));
    assertTrue(
        e.getMessage().contains("1 read(s) are more than 128 MiB from the new segment"),
        e.getMessage());
    assertEquals(
        Remedy.of("choose", Setting.OUT_OF_RANGE, "skip", "zero", "nop"), e.remedy().orElseThrow());
    assertFalse(Files.exists(out));
    // The write began with the scan (the copy ahead): its temporary file is gone too.
    assertTrue(
        Listing.names(dir).stream().noneMatch(n -> n.endsWith(".tmp")),
        Listing.names(dir)::toString);
    assertArrayEquals(before, Files.readAllBytes(big));
  }

  @Test
  void otherPoliciesPatchWhatIsInReachAndHandleTheRest() throws Exception {
    for (OutOfRangePolicy p :
        new OutOfRangePolicy[] {
          OutOfRangePolicy.SKIP, OutOfRangePolicy.ZERO, OutOfRangePolicy.NOP
        }) {
      Path out = dir.resolve(p.id() + ".so");
      Patcher.Outcome o = Patcher.patch(big, out, policy(p), false, PatchWriter.Hooks.NONE);
      SitePlan far = o.plan().sites().get(0);
      SitePlan near = o.plan().sites().get(1);
      assertEquals(
          p == OutOfRangePolicy.SKIP ? SitePlan.Action.SKIPPED : SitePlan.Action.IN_PLACE,
          far.action(),
          p.id());
      assertTrue(far.reason().contains("out of reach"), far.reason());
      assertEquals(SitePlan.Action.TRAMPOLINE, near.action());
      VerifyReport v = Verifier.verify(ElfFile.read(out));
      if (p == OutOfRangePolicy.SKIP) {
        assertTrue(
            v.notes().stream().anyMatch(n -> n.contains("out of reach")), v.notes().toString());
      }
      assertTrue(v.ok(), v.problems().toString());
      Tools.Result r =
          Qemu.run(TestData.bin("absl_loader"), List.of(out.toString(), "near_end", "3"), Map.of());
      assertEquals(0, r.exitCode(), r.describe());
      assertEquals(
          List.of(
              Trampolines.COUNTER_START,
              Trampolines.COUNTER_START + 1000,
              Trampolines.COUNTER_START + 2000),
          Qemu.values(r.stdout()).stream().map(java.math.BigInteger::longValue).toList());
      if (p == OutOfRangePolicy.ZERO) {
        Tools.Result z =
            Qemu.run(
                TestData.bin("absl_loader"), List.of(out.toString(), "near_start", "2"), Map.of());
        assertEquals(
            List.of(0L, 0L),
            Qemu.values(z.stdout()).stream().map(java.math.BigInteger::longValue).toList());
      }
      Files.delete(out);
    }
  }
}
