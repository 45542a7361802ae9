package dev.a64patch.cli;

import dev.a64patch.core.closure.Launch;
import dev.a64patch.core.closure.Preparation;
import dev.a64patch.core.closure.Preparer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** {@code run} and {@code record}: prepare (from the cache when nothing changed), then execute. */
abstract class LaunchCommand implements Callable<Integer> {
  CommandSpec spec;
  PrepareOptionsMixin prepare;
  String execPrefix;
  boolean dryRun;
  List<String> command;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command(name(), this, description(), footer());
    prepare = new PrepareOptionsMixin().addTo(spec);
    spec.addOption(
        CommandModel.option(() -> execPrefix, v -> execPrefix = v, String.class)
            .names("--exec-prefix")
            .paramLabel("COMMAND")
            .description(
                "Words to put before the command, split on spaces, e.g. \"qemu-aarch64 -L ROOT\" on"
                    + " a foreign host (for qemu the variables are passed as -E KEY=VALUE).")
            .build());
    spec.addOption(
        CommandModel.option(() -> dryRun, v -> dryRun = v, boolean.class)
            .names("--dry-run")
            .description(
                "Print the exact command line (environment and argv) instead of executing it.")
            .build());
    spec.addPositional(
        CommandModel.positional(() -> command, v -> command = v, List.class, String.class)
            .arity("1..*")
            .paramLabel("PROGRAM ARGS")
            .description("The program and its arguments (after --).")
            .build());
    return spec;
  }

  abstract String name();

  abstract String[] description();

  abstract String[] footer();

  /** The words before the program, e.g. rr record. */
  abstract List<String> tool();

  @Override
  public Integer call() throws IOException, InterruptedException {
    CommandLine cmd = spec.commandLine();
    PrintWriter err = cmd.getErr();
    Preparation p = Preparer.prepare(prepare.request(cmd, Path.of(command.get(0))));
    ExitCode code = PrepareCommand.exitCode(p, err);
    if (code == ExitCode.MISSING_LIBRARY) {
      return code.code();
    }
    List<String> prefix =
        execPrefix == null || execPrefix.isBlank()
            ? List.of()
            : List.of(execPrefix.trim().split("\\s+"));
    Launch launch = Launch.of(p, prefix, tool(), command.subList(1, command.size()));
    if (dryRun) {
      PrintWriter out = cmd.getOut();
      launch.env().forEach((k, v) -> out.println("env: " + k + "=" + v));
      out.println("argv: " + String.join(" ", launch.argv().stream().map(Launch::quote).toList()));
      out.println(launch.shell());
      out.flush();
      return code.code();
    }
    return execute(launch, cmd);
  }

  /** Runs the command with stdin inherited and its output copied to ours; its exit status. */
  private static int execute(Launch launch, CommandLine cmd)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(launch.argv());
    pb.environment().putAll(launch.env());
    pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      throw new java.nio.file.NoSuchFileException(
          launch.argv().get(0), null, "cannot execute: " + e.getMessage());
    }
    Thread o = pump(proc.getInputStream(), cmd.getOut());
    Thread e = pump(proc.getErrorStream(), cmd.getErr());
    int status = proc.waitFor();
    o.join();
    e.join();
    return status;
  }

  private static Thread pump(InputStream in, PrintWriter to) {
    Thread t =
        new Thread(
            () -> {
              try (in) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) > 0; ) {
                  to.write(new String(buf, 0, n, StandardCharsets.UTF_8));
                  to.flush();
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            });
    t.start();
    return t;
  }

  static final class Run extends LaunchCommand {
    @Override
    String name() {
      return "run";
    }

    @Override
    String[] description() {
      return new String[] {
        "Prepares PROGRAM, then runs it with the prepared environment.",
        "Prepares PROGRAM (see 'a64patch prepare'; from the cache when nothing changed), then runs"
            + " it with the prepared environment. Exit status: the program's, or a64patch's own"
            + " codes when preparing fails."
      };
    }

    @Override
    String[] footer() {
      return new String[] {
        "%nExamples:",
        "  a64patch run -- ./myprogram --its-option",
        "  a64patch run --root /usr/aarch64-linux-gnu \\",
        "      --exec-prefix \"qemu-aarch64 -L /usr/aarch64-linux-gnu\" -- ./prog",
        "  a64patch run --dry-run -- ./myprogram"
      };
    }

    @Override
    List<String> tool() {
      return List.of();
    }
  }

  static final class Record extends LaunchCommand {
    @Override
    String name() {
      return "record";
    }

    @Override
    String[] description() {
      return new String[] {
        "Prepares PROGRAM, then records it with rr record.",
        "Prepares PROGRAM (see 'a64patch prepare'), then records it with 'rr record' in the"
            + " prepared environment. Replay with 'rr replay' as usual."
      };
    }

    @Override
    String[] footer() {
      return new String[] {
        "%nExamples:",
        "  a64patch record -- ./myprogram --its-option",
        "  a64patch record --also /usr/lib/myapp/plugins -- ./myprogram",
        "  a64patch record --dry-run -- ./myprogram"
      };
    }

    @Override
    List<String> tool() {
      return new ArrayList<>(List.of("rr", "record"));
    }
  }
}
