package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  public record Outcome(Result result, PatchPlan plan) {}

  public static Outcome patch(
      Path input, Path output, PatchOptions options, boolean dryRun, PatchWriter.Hooks hooks)
      throws IOException {
    ElfFile elf = ElfFile.read(input);
    Optional<Manifest> existing = Manifest.read(elf);
    if (existing.isPresent()) {
      if (existing.get().options().equals(Manifest.Options.of(options))) {
        if (!dryRun && !same(input, output)) {
          PatchWriter.write(input, identity(elf), output, hooks);
        }
        return new Outcome(Result.ALREADY_PATCHED, null);
      }
      return repatch(input, elf, output, options, dryRun, hooks);
    }
    return patchOriginal(input, elf, output, options, dryRun, hooks);
  }

  private static Outcome patchOriginal(
      Path source,
      ElfFile elf,
      Path output,
      PatchOptions options,
      boolean dryRun,
      PatchWriter.Hooks hooks)
      throws IOException {
    ScanResult scan = Scanner.scan(elf, new ScanOptions(SysReg.all(), 0));
    PatchPlan plan = Planner.plan(elf, scan, options);
    if (dryRun) {
      return new Outcome(Result.DRY_RUN, plan);
    }
    if (plan.isEmpty()) {
      if (!same(source, output)) {
        PatchWriter.write(source, identity(elf), output, hooks);
      }
      return new Outcome(Result.NOTHING_TO_PATCH, plan);
    }
    PatchWriter.write(source, ImageBuilder.build(elf, plan), output, hooks);
    return new Outcome(Result.PATCHED, plan);
  }

  /** Restores the original next to the output, patches that, and removes it. */
  private static Outcome repatch(
      Path input,
      ElfFile patched,
      Path output,
      PatchOptions options,
      boolean dryRun,
      PatchWriter.Hooks hooks)
      throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    Path original = Files.createTempFile(dir, "." + output.getFileName() + ".original.", ".tmp");
    try {
      Files.delete(original); // PatchWriter creates it atomically
      PatchWriter.write(input, Restorer.image(patched), original, PatchWriter.Hooks.NONE);
      return patchOriginal(original, ElfFile.read(original), output, options, dryRun, hooks);
    } finally {
      Files.deleteIfExists(original);
    }
  }

  /** Restores a patched file to {@code output} (which may be the file itself). */
  public static void restore(Path input, Path output, PatchWriter.Hooks hooks) throws IOException {
    ElfFile elf = ElfFile.read(input);
    PatchWriter.write(input, Restorer.image(elf), output, hooks);
  }

  private static FileEdits identity(ElfFile elf) {
    return FileEdits.none(elf.size());
  }

  private static boolean same(Path a, Path b) throws IOException {
    return Files.exists(b) && Files.isSameFile(a, b);
  }
}
