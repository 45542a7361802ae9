package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.FuzzSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for patch → verify → restore (docs/reliability.md), in memory: any byte string is
 * either refused with one line ({@link ElfException} for bad input, {@link PatchException} for a
 * refusal), or patched into a file that reads, verifies and restores to exactly the input. A file
 * that is already patched is first restored, as {@link Patcher} does before re-patching. The
 * options (strategy, uncertain sites) follow from the input's length, so every input is one
 * reproducible case.
 *
 * <p>{@code mvn verify} replays the seeds and {@code PatchFuzzTestInputs/patchVerifyRestore/};
 * {@code bench/fuzz.sh patch} fuzzes.
 */
class PatchFuzzTest {
  /** Padding bound of the harness: a refusal above it is as good as one above the default. */
  private static final long MAX_PADDING = 1 << 20;

  static Stream<byte[]> seeds() {
    byte[] pie = FuzzSeeds.read("counters-clang-pie");
    return Stream.concat(
        FuzzSeeds.binaries(), Stream.of(patch(pie, options(Strategy.CLOCK, false)).orElseThrow()));
  }

  @MethodSource("seeds")
  @FuzzTest
  void patchVerifyRestore(byte[] input) {
    PatchOptions options =
        options(Strategy.values()[input.length % 4], (input.length / 4) % 2 == 1);
    byte[] original;
    Optional<byte[]> patched;
    try {
      original = unpatched(input);
      patched = patch(original, options);
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(FuzzSeeds.NAME, e);
      return;
    }
    if (patched.isEmpty()) {
      return;
    }
    // Every file patch writes must read, verify and restore (never "written but unusable").
    ElfFile out = ElfFile.read(ByteBuffer.wrap(patched.get()), FuzzSeeds.NAME);
    VerifyReport report = Verifier.verify(out);
    assertTrue(report.ok(), () -> "patched file fails verify: " + report.problems());
    assertEquals(Manifest.Options.of(options), Manifest.read(out).orElseThrow().options());
    assertArrayEquals(original, apply(patched.get(), Restorer.image(out)), "restore");
  }

  /** The patch writer on disk and {@link #apply} in memory produce the same bytes. */
  @Test
  void inMemoryApplyMatchesPatchWriter(@TempDir Path dir) throws IOException {
    byte[] input = FuzzSeeds.read("counters-clang-pie");
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(input), FuzzSeeds.NAME);
    PatchOptions options = options(Strategy.COUNTER, false);
    FileEdits image =
        ImageBuilder.build(
            elf, Planner.plan(elf, Scanner.scan(elf, ScanOptions.defaults()), options));
    Path source = Files.write(dir.resolve("in"), input);
    PatchWriter.write(source, image, dir.resolve("out"), PatchWriter.Hooks.NONE);
    assertArrayEquals(Files.readAllBytes(dir.resolve("out")), apply(input, image));
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

  /** The input, restored first when a64patch patched it (what {@link Patcher} re-patches). */
  private static byte[] unpatched(byte[] input) {
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(input), FuzzSeeds.NAME);
    return Manifest.read(elf).isPresent() ? apply(input, Restorer.image(elf)) : input;
  }

  /** Patches in memory as {@link Patcher} does on disk; empty when there is nothing to patch. */
  static Optional<byte[]> patch(byte[] original, PatchOptions options) {
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(original), FuzzSeeds.NAME);
    PatchPlan plan = Planner.plan(elf, Scanner.scan(elf, ScanOptions.defaults()), options);
    return plan.isEmpty()
        ? Optional.empty()
        : Optional.of(apply(original, ImageBuilder.build(elf, plan)));
  }

  /**
   * {@link PatchWriter#write} in memory: the first {@code originalLength} bytes of the source,
   * zeros up to {@code length}, the edits, cut at {@code length}; {@link
   * #inMemoryApplyMatchesPatchWriter} holds the two together.
   */
  static byte[] apply(byte[] source, FileEdits edits) {
    if (source.length < edits.originalLength()) {
      throw new UncheckedIOException(
          new IOException("source ended at " + source.length + " of " + edits.originalLength()));
    }
    byte[] out = new byte[Math.toIntExact(edits.length())];
    System.arraycopy(source, 0, out, 0, (int) Math.min(edits.originalLength(), out.length));
    for (FileEdits.Edit e : edits.edits()) {
      int at = Math.toIntExact(e.offset());
      System.arraycopy(
          e.bytes(), 0, out, at, Math.max(0, Math.min(e.bytes().length, out.length - at)));
    }
    return out;
  }
}
