package dev.a64patch.cli;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.patch.PatchWriter;
import dev.a64patch.core.patch.Patcher;
import dev.a64patch.elf.ElfException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Gives back the file as it was before 'a64patch patch', byte for byte, from the manifest",
      "stored in the patched file. In place (atomically) unless -o is given."
    },
    footer = {
      "%nExamples:",
      "  a64patch restore libtcmalloc.so",
      "  a64patch restore -o original.so patched.so"
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files patched by a64patch.")
  List<Path> files;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT",
      description = "Write the original to OUT (a directory when several FILEs are given).")
  Path output;

  enum Format {
    text,
    json
  }

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    Outputs.check(cmd, files, output);
    ExitCode worst = ExitCode.OK;
    var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    var restored = json.putArray("restored");
    var problems = json.putArray("problems");
    for (Path file : files) {
      Path target = Outputs.target(file, output);
      try {
        Patcher.restore(file, target, PatchWriter.Hooks.NONE);
        restored.addObject().put("path", file.toString()).put("output", target.toString());
        if (format == Format.text) {
          cmd.getOut().println(file + ": restored" + (target.equals(file) ? "" : " to " + target));
        }
      } catch (ElfException | A64PatchException | IOException e) {
        cmd.getErr().println("a64patch: " + FailureOutput.message(e));
        problems.addObject().put("path", file.toString()).put("message", FailureOutput.message(e));
        worst = ExitCode.worse(worst, ExitCode.of(Failures.kind(e)));
      }
    }
    if (format == Format.json) {
      cmd.getOut().println(json.toPrettyString());
    }
    cmd.getOut().flush();
    cmd.getErr().flush();
    return worst.code();
  }
}
