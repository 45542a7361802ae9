package dev.a64patch.maven;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.failure.SettingException;
import dev.a64patch.core.patch.OutOfRangePolicy;
import dev.a64patch.core.patch.PatchOptions;
import dev.a64patch.core.patch.PatchWriter;
import dev.a64patch.core.patch.Patcher;
import dev.a64patch.core.patch.RndrMode;
import dev.a64patch.core.patch.Strategy;
import dev.a64patch.core.patch.Verifier;
import dev.a64patch.core.patch.VerifyReport;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.PatchReport;
import dev.a64patch.elf.NotElfException;
import dev.a64patch.elf.UnsupportedElfException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Patches the AArch64 ELF files of the build directories in place, so that the packaged artifact
 * carries libraries whose counter reads yield replay-deterministic values (see docs/patching.md).
 * Each file is rewritten atomically; a file patched before with the same options is left as it is,
 * so a second build does not patch twice. ELF files for other machines and files that are not ELF
 * (linker scripts named {@code libc.so}, say) are skipped; a malformed ELF file or a file the
 * engine refuses to patch fails the build, naming the file and the reason. Writes {@code
 * patch.json} into {@link #reportDirectory}.
 */
@Mojo(name = "patch", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class PatchMojo extends AbstractA64PatchMojo {
  /** The report written into {@link #reportDirectory}. */
  static final String REPORT = "patch.json";

  /**
   * What a patched read yields: {@code counter} (a virtual counter advanced by {@link #step} per
   * read, identical on every run), {@code clock} (CLOCK_MONOTONIC scaled to {@link #frequency}),
   * {@code zero} ({@code movz xt, #0} in place) or {@code nop}. See docs/strategies.md.
   */
  @Parameter(property = "a64patch.strategy", defaultValue = "counter")
  String strategy;

  /** Ticks the virtual counter advances per read ({@code counter} strategy). */
  @Parameter(property = "a64patch.step", defaultValue = "" + PatchOptions.DEFAULT_STEP)
  long step;

  /** Nominal counter frequency in Hz: {@code clock} ticks and patched CNTFRQ_EL0 reads. */
  @Parameter(property = "a64patch.frequency", defaultValue = "" + PatchOptions.DEFAULT_FREQUENCY)
  long frequency;

  /**
   * Registers to rewrite, comma-separated: {@code counters}, {@code all} or names such as {@code
   * CNTVCT_EL0,CNTFRQ_EL0}. Unset: the four counters, plus CNTFRQ_EL0 under {@code clock}.
   */
  @Parameter(property = "a64patch.registers")
  String registers;

  /** Also rewrite reads the scanner is not sure of (never words inside {@code $d} data ranges). */
  @Parameter(property = "a64patch.includeUncertain", defaultValue = "false")
  boolean includeUncertain;

  /**
   * Reads beyond the ±128 MiB reach of a branch that no island (in the file's padding or its code
   * segment's tail) reaches (docs/patching.md, "Islands"): {@code fail} (refuse the file and fail
   * the build), {@code skip}, {@code zero} or {@code nop}.
   */
  @Parameter(property = "a64patch.outOfRange", defaultValue = "fail")
  String outOfRange;

  /** Also rewrite RNDR/RNDRRS reads: {@code off}, {@code deterministic} or {@code getrandom}. */
  @Parameter(property = "a64patch.rndr", defaultValue = "off")
  String rndr;

  /**
   * Largest zero padding, in bytes, the layout may add to an executable (apparent size: it is
   * written as a hole and takes no disk).
   */
  @Parameter(property = "a64patch.maxPadding", defaultValue = "" + PatchOptions.DEFAULT_MAX_PADDING)
  long maxPadding;

  /** Check every patched file afterwards (layout rules, trampolines, nothing left unpatched). */
  @Parameter(property = "a64patch.verify", defaultValue = "true")
  boolean verify;

  /** Log (and report) what would be patched, and write nothing. */
  @Parameter(property = "a64patch.dryRun", defaultValue = "false")
  boolean dryRun;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("a64patch: patch skipped (a64patch.skip)");
      return;
    }
    PatchOptions options = options();
    List<Path> files = selectedFiles();
    List<PatchReport.Entry> entries = new ArrayList<>();
    List<FileProblem> problems = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    java.util.Set<String> fixes = new java.util.LinkedHashSet<>();
    int notElf = 0;
    for (Path file : files) {
      String name = display(file);
      try {
        Patcher.Outcome o = Patcher.patch(file, file, options, dryRun, PatchWriter.Hooks.NONE);
        // Metadata the patched file cannot keep (setuid bits, xattrs the filesystem refuses).
        o.warnings().forEach(w -> getLog().warn("a64patch: " + w));
        entries.add(new PatchReport.Entry(name, o.result(), o.plan()));
        if (verify && !dryRun && o.result() != Patcher.Result.NOTHING_TO_PATCH) {
          if (!verify(file, name, o.result(), refused, broken)) {
            fixes.add(PluginFailures.fix(FailureKind.VERIFY_FAILED));
          }
        }
      } catch (NotElfException e) {
        notElf++;
        getLog().debug("a64patch: " + name + ": not an ELF file; skipped");
      } catch (UnsupportedElfException e) {
        problems.add(new FileProblem(name, FailureKind.SKIPPED, name + ": " + e.reason()));
        getLog().info("a64patch: " + name + ": skipped: " + e.reason());
      } catch (IOException | RuntimeException e) {
        FailureKind kind = Failures.kind(e);
        String reason = PluginFailures.reason(name, e);
        problems.add(new FileProblem(name, kind, name + ": " + reason));
        String line = name + ": " + PluginFailures.label(kind) + ": " + reason;
        if (kind.userFixable()) {
          refused.add(line);
          fixes.add(PluginFailures.fix(kind));
        } else {
          broken.add(line);
          getLog().debug(e);
        }
      }
    }
    log(entries, files.size(), notElf);
    Path report = writeReport(entries, problems);
    if (!broken.isEmpty()) {
      throw new MojoExecutionException(
          message(
              "a64patch: could not patch " + broken.size() + " file(s):",
              broken,
              PluginFailures.fix(FailureKind.UNREADABLE),
              List.of(report)));
    }
    if (!refused.isEmpty()) {
      throw new MojoFailureException(
          message(
              "a64patch: cannot patch " + refused.size() + " file(s):",
              refused,
              String.join(System.lineSeparator(), fixes),
              List.of(report)));
    }
  }

  PatchOptions options() throws MojoFailureException {
    Strategy s = choice("strategy", strategy, Strategy.class);
    OutOfRangePolicy policy = choice("outOfRange", outOfRange, OutOfRangePolicy.class);
    RndrMode mode = choice("rndr", rndr, RndrMode.class);
    try {
      return new PatchOptions(
          s,
          registers("registers", registers, Set.of()),
          step,
          frequency,
          includeUncertain,
          policy,
          mode,
          maxPadding);
    } catch (SettingException e) {
      throw PluginFailures.usage(e);
    }
  }

  /** False when a file patched before this build fails verification (the user's to fix). */
  private boolean verify(
      Path file, String name, Patcher.Result result, List<String> refused, List<String> broken)
      throws IOException {
    VerifyReport r = Verifier.verify(file);
    if (r.ok()) {
      return true;
    }
    String what = name + ": fails verification after patching: " + String.join("; ", r.problems());
    if (result == Patcher.Result.ALREADY_PATCHED) {
      // Patched before this build and changed since: the input is at fault, not the engine.
      refused.add(what + " (the file was patched before this build and changed since)");
      return false;
    }
    broken.add(what + " (a bug in a64patch, please report it)");
    return true;
  }

  private void log(List<PatchReport.Entry> entries, int selected, int notElf) {
    if (selected == 0) {
      getLog().info("a64patch: no files match " + includes + " in " + directories);
      return;
    }
    StringWriter text = new StringWriter();
    PatchReport.text(entries, false, new PrintWriter(text));
    for (String line : text.toString().split("\\R")) {
      if (!line.isBlank()) {
        getLog().info("a64patch: " + line);
      }
    }
    if (notElf > 0) {
      getLog().info("a64patch: " + notElf + " matching file(s) are not ELF and were left alone");
    }
  }

  private Path writeReport(List<PatchReport.Entry> entries, List<FileProblem> problems)
      throws MojoExecutionException {
    Path out = reportDir().resolve(REPORT);
    try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      PatchReport.json(entries, problems, dryRun, w);
    } catch (IOException e) {
      throw new MojoExecutionException("a64patch: cannot write " + out + ": " + e, e);
    }
    return out;
  }
}
