package dev.a64patch.cli;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.patch.PatchPlan;
import dev.a64patch.core.patch.PatchWriter;
import dev.a64patch.core.patch.Patcher;
import dev.a64patch.core.patch.SitePlan;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.PatchReport;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.Loops;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

final class PatchCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Rewrites every counter read so that it yields a replay-deterministic value.",
    "Files are patched in place, atomically (temporary file, fsync, rename), unless -o is"
        + " given. A file patched before is recognised: with the same options nothing changes;"
        + " with other options it is re-patched from its original. 'a64patch restore' gives the"
        + " original back byte for byte."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch libtcmalloc.so           (the same as: a64patch patch libtcmalloc.so)",
    "  a64patch patch --dry-run libabsl_base.so.20220623",
    "  a64patch patch --strategy clock -o myprog.patched myprog",
    "  a64patch patch --include-uncertain --format json librte_eal.so.23"
  };

  CommandSpec spec;
  List<Path> files;
  PatchOptionsMixin patchOptions;
  Path output;
  boolean dryRun;
  boolean verbose;
  FormatOption format;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("patch", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.paths(
            () -> files, v -> files = v, "1..*", "FILE", "ELF executables or shared libraries."));
    patchOptions = new PatchOptionsMixin().addTo(spec);
    spec.addOption(
        CommandModel.option(() -> output, v -> output = v, Path.class)
            .names("-o", "--output")
            .paramLabel("OUT")
            .description(
                "Write the result to OUT (a directory when several FILEs are given); the input is"
                    + " not changed.")
            .build());
    spec.addOption(
        CommandModel.option(() -> dryRun, v -> dryRun = v, boolean.class)
            .names("--dry-run")
            .description("Print the plan (sites, strategy, new segments) and write nothing.")
            .build());
    spec.addOption(
        CommandModel.option(() -> verbose, v -> verbose = v, boolean.class)
            .names("--verbose")
            .description("List every site, as --dry-run does.")
            .build());
    format = new FormatOption().addTo(spec);
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    return run(
        spec.commandLine(),
        files,
        patchOptions,
        output,
        dryRun,
        verbose,
        format.get(),
        PatchWriter.Hooks.NONE);
  }

  static int run(
      CommandLine cmd,
      List<Path> files,
      PatchOptionsMixin mixin,
      Path output,
      boolean dryRun,
      boolean verbose,
      FormatOption.Format format,
      PatchWriter.Hooks hooks)
      throws IOException {
    var options = mixin.toOptions(cmd);
    Outputs.check(cmd, files, output);
    PrintWriter err = cmd.getErr();
    List<PatchReport.Entry> entries = new ArrayList<>();
    List<FileProblem> problems = new ArrayList<>();
    ExitCode worst = ExitCode.OK;
    for (Path file : files) {
      Path target = Outputs.target(file, output);
      try {
        Patcher.Outcome o = Patcher.patch(file, target, options, dryRun, hooks);
        o.warnings().forEach(w -> err.println("a64patch: warning: " + w));
        entries.add(new PatchReport.Entry(display(file, target), o.result(), o.plan()));
        warnAboutLoops(file, o.plan(), err);
      } catch (ElfException | A64PatchException | IOException e) {
        problems.add(FailureOutput.problem(file.toString(), e));
        err.println("a64patch: " + FailureOutput.message(e));
        worst = ExitCode.worse(worst, ExitCode.of(Failures.kind(e)));
      }
    }
    PrintWriter out = cmd.getOut();
    if (format == FormatOption.Format.JSON) {
      PatchReport.json(entries, problems, dryRun || verbose, out);
    } else {
      PatchReport.text(entries, verbose, out);
    }
    err.flush();
    return worst.code();
  }

  /**
   * A read rewritten in place (zero, nop) inside a loop: a wait on the counter then never ends, or
   * reads a stale value.
   */
  private static void warnAboutLoops(Path file, PatchPlan plan, PrintWriter err)
      throws IOException {
    if (plan == null) {
      return;
    }
    ElfFile elf = null;
    for (SitePlan s : plan.sites()) {
      Finding f = s.finding();
      if (s.action() != SitePlan.Action.IN_PLACE
          || f.rt() == 31
          || f.register().kind() != SysReg.Kind.COUNTER) {
        continue;
      }
      elf = elf == null ? ElfFile.read(file) : elf;
      Loops.around(elf, f)
          .ifPresent(
              loop ->
                  err.printf(
                      "a64patch: warning: %s: 0x%x %s %s is rewritten in place inside a loop"
                          + " (branch back from 0x%x to 0x%x): a wait on the counter never ends"
                          + " or reads a stale value; a trampoline strategy keeps it advancing%n",
                      file, f.address(), f.register(), f.rtName(), loop.from(), loop.to()));
    }
  }

  private static String display(Path file, Path target) {
    return file.equals(target) ? file.toString() : file + " -> " + target;
  }
}
