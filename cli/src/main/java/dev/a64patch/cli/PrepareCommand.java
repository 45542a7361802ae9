package dev.a64patch.cli;

import dev.a64patch.core.closure.Launch;
import dev.a64patch.core.closure.Preparation;
import dev.a64patch.core.closure.PrepareReport;
import dev.a64patch.core.closure.Preparer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

final class PrepareCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Writes patched copies of a program's libraries and the environment that loads them.",
    "Makes a program replay-ready without touching a file the system owns: resolves the objects"
        + " the dynamic linker will load (as glibc's ld.so does), scans each one, writes patched"
        + " copies of those that read the counter into one directory, and writes the environment"
        + " that makes the loader pick them (DIR/env). A second run with nothing changed writes"
        + " nothing. See docs/prepare.md."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch prepare ./myprogram",
    "  env $(cat ~/.cache/a64patch/prepare/*-myprogram/env) rr record ./myprogram",
    "  a64patch prepare -o /tmp/prep --also /usr/lib/myapp/plugins ./myprogram",
    "  a64patch prepare --root /srv/arm64-image --library-path /opt/app/lib \\",
    "      /srv/arm64-image/opt/app/bin/app",
    "  a64patch prepare --format json ./myprogram"
  };

  CommandSpec spec;
  Path program;
  PrepareOptionsMixin prepare;
  FormatOption format;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("prepare", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.positional(() -> program, v -> program = v, Path.class)
            .index("0")
            .paramLabel("PROGRAM")
            .description("The executable (a path on this machine).")
            .build());
    prepare = new PrepareOptionsMixin().addTo(spec);
    format = new FormatOption().addTo(spec);
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    Preparation p = Preparer.prepare(prepare.request(cmd, program));
    report(p, prepare.root, format.get() == FormatOption.Format.JSON, cmd);
    return exitCode(p, cmd.getErr()).code();
  }

  /** The command lines a user runs next, by name. */
  static Map<String, List<String>> nextCommands(Preparation p, Path root) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    String env = "$(cat " + Launch.quote(p.output().resolve("env").toString()) + ")";
    String prog = Launch.quote(p.program().toString());
    m.put("run", List.of("env " + env + " " + prog));
    m.put("record", List.of("env " + env + " rr record " + prog));
    if (root != null) {
      Launch q = Launch.of(p, List.of("qemu-aarch64", "-L", root.toString()), List.of(), List.of());
      m.put("qemu", List.of(q.shell()));
    }
    return m;
  }

  static void report(Preparation p, Path root, boolean json, CommandLine cmd) throws IOException {
    Map<String, List<String>> next = nextCommands(p, root);
    PrintWriter out = cmd.getOut();
    if (json) {
      PrepareReport.json(p, next, out);
    } else {
      List<String> lines = new java.util.ArrayList<>();
      next.forEach((k, v) -> lines.add(String.format("%-7s %s", k + ":", v.get(0))));
      PrepareReport.text(p, lines, out);
    }
  }

  /** One line per missing library (with the paths tried) or left object, on stderr; the code. */
  static ExitCode exitCode(Preparation p, PrintWriter err) {
    ExitCode code = ExitCode.OK;
    for (Preparation.Row r : p.rows()) {
      if (r.action() == Preparation.Action.MISSING) {
        err.println(
            "a64patch: "
                + r.name()
                + ": cannot be found: "
                + r.detail()
                + (r.tried().isEmpty() ? "" : "; tried " + String.join(", ", r.tried())));
        code = ExitCode.worse(code, ExitCode.MISSING_LIBRARY);
      } else if (r.action() == Preparation.Action.LEFT && r.reads() > 0) {
        err.println(
            "a64patch: " + r.path() + ": reads the counter and is left as it is: " + r.detail());
        code = ExitCode.worse(code, ExitCode.NOT_REDIRECTED);
      }
    }
    err.flush();
    return code;
  }
}
