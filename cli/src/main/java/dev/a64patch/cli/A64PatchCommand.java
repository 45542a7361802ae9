package dev.a64patch.cli;

import dev.a64patch.core.patch.PatchWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code a64patch}: the subcommands (added by {@link Cli}), and {@code a64patch FILE...}. */
final class A64PatchCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Finds the reads of the AArch64 counter registers (mrs xN, cntvct_el0 and friends) in ELF files"
        + " and rewrites them so that rr can record and replay the program deterministically.",
    "",
    "With FILE arguments and no command, patches them: 'a64patch lib.so' is 'a64patch patch lib.so'."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch libtcmalloc.so           patch in place before 'rr record'",
    "  a64patch restore libtcmalloc.so   give the original back",
    "  a64patch scan libtcmalloc.so      list the reads, change nothing",
    "  a64patch doctor ./myprogram       what decides whether rr replays it",
    "  a64patch record -- ./myprogram    prepare patched copies, then rr record",
    "  a64patch scan --format json --context 3 /usr/lib/aarch64-linux-gnu"
  };

  CommandSpec spec;
  List<Path> files = List.of();
  PatchOptionsMixin patchOptions;
  Path output;
  boolean dryRun;

  /**
   * The model without the options and files of {@code a64patch FILE}, for a run whose first
   * argument names a subcommand: about a third of such a run's model building.
   */
  CommandSpec bareModel() {
    spec = CommandModel.command("a64patch", this, DESCRIPTION, FOOTER);
    return spec;
  }

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("a64patch", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.paths(
            () -> files,
            v -> files = v,
            "0..*",
            "FILE",
            "Files to patch (see 'a64patch patch --help')."));
    patchOptions = new PatchOptionsMixin().addTo(spec);
    spec.addOption(
        CommandModel.option(() -> output, v -> output = v, Path.class)
            .names("-o", "--output")
            .paramLabel("OUT")
            .description("As for patch.")
            .build());
    spec.addOption(
        CommandModel.option(() -> dryRun, v -> dryRun = v, boolean.class)
            .names("--dry-run")
            .description("As for patch.")
            .build());
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    if (files.isEmpty()) {
      spec.commandLine().usage(spec.commandLine().getErr());
      return ExitCode.USAGE.code();
    }
    return PatchCommand.run(
        spec.commandLine(),
        files,
        patchOptions,
        output,
        dryRun,
        false,
        FormatOption.Format.TEXT,
        PatchWriter.Hooks.NONE);
  }
}
