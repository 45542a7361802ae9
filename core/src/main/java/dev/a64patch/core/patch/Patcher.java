package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.io.Meanwhile;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The facade: plan and write one file. A file that a64patch already patched is recognised: with the
 * same options nothing changes; with other options it is re-patched from its original, never
 * patched on top of itself.
 */
public final class Patcher {
  private Patcher() {}

  /** What {@link #patch} did. */
  public enum Result {
    PATCHED,
    NOTHING_TO_PATCH,
    ALREADY_PATCHED,
    DRY_RUN;

    /** The external name, in reports ({@link Names}): {@code already-patched}. */
    public String id() {
      return Names.id(this);
    }
  }

  /**
   * @param warnings what the user should know although the run succeeded (metadata not kept)
   */
  public record Outcome(Result result, PatchPlan plan, List<String> warnings) {
    public Outcome {
      warnings = List.copyOf(warnings);
    }

    Outcome(Result result, PatchPlan plan) {
      this(result, plan, List.of());
    }
  }

  public static Outcome patch(
      Path input, Path output, PatchOptions options, boolean dryRun, PatchWriter.Hooks hooks)
      throws IOException {
    Source source = Source.open(input);
    return Mapped.guard(input, () -> patch(source, output, options, dryRun, hooks));
  }

  private static Outcome patch(
      Source source, Path output, PatchOptions options, boolean dryRun, PatchWriter.Hooks hooks)
      throws IOException {
    ElfFile elf = source.elf();
    Optional<Manifest> existing = Manifest.read(elf);
    if (existing.isPresent()) {
      if (existing.get().options().equals(Manifest.Options.of(options))) {
        return new Outcome(
            Result.ALREADY_PATCHED, null, dryRun ? List.of() : copy(source, output, hooks));
      }
      return repatch(source, output, options, dryRun, hooks);
    }
    return patchOriginal(source, output, options, dryRun, hooks);
  }

  private static Outcome patchOriginal(
      Source source, Path output, PatchOptions options, boolean dryRun, PatchWriter.Hooks hooks)
      throws IOException {
    ElfFile elf = source.elf();
    InputRules.check(elf);
    // The manifest records the original's SHA-256: computed on another core during the scan.
    Sha256.Pending originalSha256 = dryRun ? null : Sha256.Pending.start(elf.bytes());
    try {
      Scanner.ForPatch scanned = Scanner.scanForPatch(elf);
      ScanResult scan = scanned.result();
      try (PatchWriter.Begun write = begin(source, output, dryRun, scan, hooks)) {
        PatchPlan plan = Planner.plan(elf, scan, options, scanned.tails());
        if (dryRun) {
          return new Outcome(Result.DRY_RUN, plan);
        }
        if (plan.isEmpty()) {
          originalSha256.cancel();
          return new Outcome(Result.NOTHING_TO_PATCH, plan, copy(source, output, hooks, write));
        }
        FileEdits image = ImageBuilder.build(elf, plan, originalSha256::get);
        if (image.length() > ElfFile.MAX_SIZE) {
          throw new PatchException(
              source.path().toString(),
              String.format(
                  "the patched file would be %d bytes; a64patch reads files of at most %d bytes,"
                      + " so it could not verify or restore it; nothing was written",
                  image.length(), ElfFile.MAX_SIZE));
        }
        return new Outcome(
            Result.PATCHED,
            plan,
            write.finish(image, proof(output, elf, scan, image, originalSha256.get())));
      }
    } finally {
      if (originalSha256 != null) {
        originalSha256.cancel();
      }
    }
  }

  /**
   * The write of the result, begun as soon as the scan is done: the source's bytes are copied into
   * the temporary file on another thread while the plan and the image are made, which take one core
   * (docs/performance.md, "Seventh round"). Null for a dry run, and where nothing would be written:
   * a file patched in place whose scan found no read.
   */
  private static PatchWriter.Begun begin(
      Source source, Path output, boolean dryRun, ScanResult scan, PatchWriter.Hooks hooks)
      throws IOException {
    if (dryRun || (scan.findings().isEmpty() && same(source.path(), output))) {
      return null;
    }
    return PatchWriter.begin(source, output, hooks, true);
  }

  /** The source as it is, to {@code output} unless that is the source itself. */
  private static List<String> copy(Source source, Path output, PatchWriter.Hooks hooks)
      throws IOException {
    return copy(source, output, hooks, null);
  }

  /** {@link #copy}, through {@code write} when it was begun. */
  private static List<String> copy(
      Source source, Path output, PatchWriter.Hooks hooks, PatchWriter.Begun write)
      throws IOException {
    if (same(source.path(), output)) {
      return List.of();
    }
    if (write != null) {
      return write.finish(identity(source.elf()), PatchWriter.Proof.NONE);
    }
    return PatchWriter.write(source, identity(source.elf()), output, hooks);
  }

  /**
   * Every file patch writes must verify and restore: the complete temporary file is read back,
   * verified, and restoring it must give {@code original} back byte for byte, under the manifest's
   * record of {@code originalSha256} (the digest of those very bytes). What fails is refused.
   *
   * <p>The manifest is read once, for both. Restoring proves that the result holds the original's
   * bytes wherever {@code image} changed nothing, so verify looks for reads left only in what
   * changed, and takes the others from {@code scan}, the original's ({@link
   * Verifier#sinceOriginal}); it checks every site, trampoline and table in full.
   */
  private static PatchWriter.Proof proof(
      Path output, ElfFile original, ScanResult scan, FileEdits image, String originalSha256) {
    return temporary -> {
      String name = output.toString();
      ElfFile written;
      try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.READ)) {
        written = ElfFile.read(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()), name);
      }
      Manifest m = manifest(name, written);
      // Restoring in memory and comparing with the original is a pass over memory, verify a few
      // serial steps: the first runs beside the second. verify's verdict is still the first one
      // reported.
      Meanwhile<Boolean> restores =
          Meanwhile.start(
              "restore-check", () -> restores(written, m, original.bytes(), originalSha256));
      try {
        Verifier.Reads reads = Verifier.sinceOriginal(original, scan, image);
        VerifyReport r = orRefused(name, () -> Verifier.verify(written, m, reads));
        if (!r.ok()) {
          throw refuse(name, "would fail verify: " + r.problems().get(0));
        }
      } catch (IOException | RuntimeException | Error e) {
        Meanwhile.awaitAll(restores);
        throw e;
      }
      if (!orRefused(name, restores::join)) {
        throw refuse(name, "would not restore to the original byte for byte");
      }
    };
  }

  /** True when restoring {@code written} gives {@code original}, whose digest it records. */
  private static boolean restores(
      ElfFile written, Manifest m, ByteBuffer original, String originalSha256) throws IOException {
    FileEdits back = Restorer.image(written, m);
    return originalSha256.equals(back.sha256()) && back.renders(written.bytes(), original);
  }

  /**
   * The result's manifest, null when it has none; one that cannot be read fails verify, as {@link
   * Verifier#verify(ElfFile)} reports it.
   */
  private static Manifest manifest(String name, ElfFile written) {
    try {
      return Manifest.read(written).orElse(null);
    } catch (ManifestException e) {
      throw refuse(name, "would fail verify: " + Verifier.damaged(written, e).problems().get(0));
    } catch (ElfException | PatchException e) {
      throw unprovable(name, e);
    }
  }

  /** {@code step} of the proof; what it cannot read or restore refuses the result. */
  private static <T> T orRefused(String name, Meanwhile.Work<T> step) throws IOException {
    try {
      return step.run();
    } catch (ElfException | PatchException e) {
      throw unprovable(name, e);
    }
  }

  private static PatchException unprovable(String name, RuntimeException e) {
    return refuse(name, "could not be verified and restored (" + e.getMessage() + ")");
  }

  private static PatchException refuse(String file, String why) {
    return new PatchException(
        file,
        "the patched result "
            + why
            + "; this input is not supported, nothing was written (please report it)");
  }

  /** Rebuilds the original (proved by its checksum) and patches that with the new options. */
  private static Outcome repatch(
      Source patched, Path output, PatchOptions options, boolean dryRun, PatchWriter.Hooks hooks)
      throws IOException {
    FileEdits image = Restorer.image(patched.elf());
    ByteBuffer original = PatchWriter.renderDetached(patched, image, output);
    ElfFile elf = ElfFile.read(original, patched.path().toString());
    return patchOriginal(patched.withImage(elf), output, options, dryRun, hooks);
  }

  /**
   * Restores a patched file to {@code output} (which may be the file itself).
   *
   * @return warnings about metadata that was not kept
   */
  public static List<String> restore(Path input, Path output, PatchWriter.Hooks hooks)
      throws IOException {
    Source source = Source.open(input);
    return Mapped.guard(
        input, () -> PatchWriter.write(source, Restorer.image(source.elf()), output, hooks));
  }

  private static FileEdits identity(ElfFile elf) {
    return FileEdits.none(elf.size());
  }

  private static boolean same(Path a, Path b) throws IOException {
    return Files.exists(b) && Files.isSameFile(a, b);
  }
}
