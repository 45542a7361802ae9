package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.FuzzSeeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for patch → verify → restore (docs/reliability.md), through the real {@link Patcher}
 * and {@link PatchWriter} on files in a private directory (in memory where the system has {@code
 * /dev/shm}). Any byte string is either refused with a documented failure in one line, leaving the
 * input as it was and no output, or patched into a file that verifies and restores to exactly the
 * input (to the input's original when the input was itself patched). The options (strategy,
 * uncertain sites) follow from the input's length, so every input is one reproducible case.
 *
 * <p>{@code mvn verify} replays the seeds and {@code PatchFuzzTestInputs/patchVerifyRestore/};
 * {@code bench/fuzz.sh patch} fuzzes.
 */
class PatchFuzzTest {
  /** Padding bound of the harness: a refusal above it is as good as one above the default. */
  private static final long MAX_PADDING = 1 << 20;

  private static final Path DIR = FuzzSeeds.scratch();
  private static final Path IN = DIR.resolve("in.elf");
  private static final Path OUT = DIR.resolve("out.elf");
  private static final Path BACK = DIR.resolve("back.elf");

  static Stream<byte[]> seeds() throws IOException {
    Files.write(IN, FuzzSeeds.read("counters-clang-pie"));
    Files.deleteIfExists(OUT);
    Patcher.patch(IN, OUT, options(Strategy.CLOCK, false), false, PatchWriter.Hooks.NONE);
    return Stream.concat(FuzzSeeds.binaries(), Stream.of(Files.readAllBytes(OUT)));
  }

  @MethodSource("seeds")
  @FuzzTest
  void patchVerifyRestore(byte[] input) throws IOException {
    PatchOptions options =
        options(Strategy.values()[input.length % 4], (input.length / 4) % 2 == 1);
    Files.write(IN, input);
    Files.deleteIfExists(OUT);
    Files.deleteIfExists(BACK);
    Patcher.Outcome outcome;
    try {
      outcome = Patcher.patch(IN, OUT, options, false, PatchWriter.Hooks.NONE);
    } catch (IOException | RuntimeException e) {
      FuzzSeeds.assertDocumented(e, IN.toString(), OUT.toString());
      assertArrayEquals(input, Files.readAllBytes(IN), "input changed by a failed patch");
      assertFalse(Files.exists(OUT), "output left by a failed patch");
      assertEquals(Set.of(IN.getFileName()), FuzzSeeds.listing(DIR), "stray files");
      return;
    }
    assertArrayEquals(input, Files.readAllBytes(IN), "patch -o changed its input");
    if (outcome.result() != Patcher.Result.PATCHED) {
      assertArrayEquals(input, Files.readAllBytes(OUT), outcome.result() + ": output differs");
      return;
    }
    // Every file patch writes must verify and restore (never "written but unusable").
    VerifyReport report = Verifier.verify(ElfFile.read(OUT));
    assertTrue(report.ok(), () -> "patched file fails verify: " + report.problems());
    Patcher.restore(OUT, BACK, PatchWriter.Hooks.NONE);
    assertArrayEquals(original(input), Files.readAllBytes(BACK), "restore");
  }

  /** The input, or its original when a64patch patched it (what re-patching starts from). */
  private static byte[] original(byte[] input) throws IOException {
    if (Manifest.read(ElfFile.read(IN)).isEmpty()) {
      return input;
    }
    Path original = DIR.resolve("original.elf");
    Patcher.restore(IN, original, PatchWriter.Hooks.NONE);
    try {
      return Files.readAllBytes(original);
    } finally {
      Files.delete(original);
    }
  }

  static PatchOptions options(Strategy strategy, boolean includeUncertain) {
    PatchOptions d = PatchOptions.defaults();
    return new PatchOptions(
        strategy,
        Set.of(),
        d.step(),
        d.frequency(),
        includeUncertain,
        d.outOfRange(),
        d.rndr(),
        MAX_PADDING);
  }
}
