package dev.a64patch.cli;

import dev.a64patch.core.Version;
import dev.a64patch.core.patch.PatchWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "a64patch",
    mixinStandardHelpOptions = true,
    versionProvider = A64PatchCommand.VersionProvider.class,
    // Subcommands are registered by Cli.SUBCOMMANDS, only the one that runs (start-up time).
    description = {
      "Finds the reads of the AArch64 counter registers (mrs xN, cntvct_el0 and friends) in ELF files "
          + "and rewrites them so that rr can record and replay the program deterministically.",
      "",
      "With FILE arguments and no command, patches them: 'a64patch lib.so' is 'a64patch patch lib.so'."
    },
    footer = {
      "%nExamples:",
      "  a64patch libtcmalloc.so           patch in place before 'rr record'",
      "  a64patch restore libtcmalloc.so   give the original back",
      "  a64patch scan libtcmalloc.so      list the reads, change nothing",
      "  a64patch doctor ./myprogram       what decides whether rr replays it",
      "  a64patch record -- ./myprogram    prepare patched copies, then rr record",
      "  a64patch scan --format json --context 3 /usr/lib/aarch64-linux-gnu"
    })
final class A64PatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "FILE",
      description = "Files to patch (see 'a64patch patch --help').")
  List<Path> files = List.of();

  @Mixin PatchOptionsMixin patchOptions;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "As for patch.")
  Path output;

  @Option(names = "--dry-run", description = "As for patch.")
  boolean dryRun;

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

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"a64patch " + Version.get()};
    }
  }
}
