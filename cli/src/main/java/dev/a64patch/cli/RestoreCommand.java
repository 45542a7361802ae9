package dev.a64patch.cli;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.patch.PatchWriter;
import dev.a64patch.core.patch.Patcher;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.JsonOutput;
import dev.a64patch.elf.ElfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

final class RestoreCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Gives back a file as it was before 'a64patch patch', byte for byte.",
    "The original is rebuilt from the manifest stored in the patched file, and written in"
        + " place (atomically) unless -o is given."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch restore libtcmalloc.so",
    "  a64patch restore -o original.so patched.so"
  };

  CommandSpec spec;
  List<Path> files;
  Path output;
  FormatOption format;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("restore", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.paths(
            () -> files, v -> files = v, "1..*", "FILE", "Files patched by a64patch."));
    spec.addOption(
        CommandModel.option(() -> output, v -> output = v, Path.class)
            .names("-o", "--output")
            .paramLabel("OUT")
            .description("Write the original to OUT (a directory when several FILEs are given).")
            .build());
    format = new FormatOption().addTo(spec);
    return spec;
  }

  /** One restored file, for the JSON report. */
  private record Restored(Path path, Path output) {}

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    FormatOption.Format f = format.get();
    Outputs.check(cmd, files, output);
    ExitCode worst = ExitCode.OK;
    List<Restored> restored = new ArrayList<>();
    List<FileProblem> problems = new ArrayList<>();
    for (Path file : files) {
      Path target = Outputs.target(file, output);
      try {
        Patcher.restore(file, target, PatchWriter.Hooks.NONE)
            .forEach(w -> cmd.getErr().println("a64patch: warning: " + w));
        restored.add(new Restored(file, target));
        if (f == FormatOption.Format.TEXT) {
          cmd.getOut().println(file + ": restored" + (target.equals(file) ? "" : " to " + target));
        }
      } catch (ElfException | A64PatchException | IOException e) {
        cmd.getErr().println("a64patch: " + FailureOutput.message(e));
        problems.add(FailureOutput.problem(file.toString(), e));
        worst = ExitCode.worse(worst, ExitCode.of(Failures.kind(e)));
      }
    }
    if (f == FormatOption.Format.JSON) {
      JsonOutput.envelope(
          cmd.getOut(),
          "restore",
          restored,
          (g, r) -> {
            g.writeStringField("path", r.path().toString());
            g.writeStringField("result", "restored");
            g.writeStringField("output", r.output().toString());
          },
          problems);
    }
    cmd.getOut().flush();
    cmd.getErr().flush();
    return worst.code();
  }
}
