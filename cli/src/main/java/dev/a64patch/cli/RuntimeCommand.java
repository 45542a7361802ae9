package dev.a64patch.cli;

import dev.a64patch.core.patch.ClockLibrary;
import dev.a64patch.core.report.JsonOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the shared-clock runtime library for programs whose objects were patched in place (by a
 * build or {@code a64patch patch}) and that are run without {@code prepare}, which writes and
 * preloads it by itself.
 */
final class RuntimeCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Writes the shared-clock runtime library, "
        + ClockLibrary.SONAME
        + ", into DIR and prints"
        + " its path.",
    "Every object patched with the counter strategy imports one clock from it when it is"
        + " preloaded, so counter values agree across the objects of a process; without it each"
        + " object keeps its own counter. prepare, run and record write and preload it"
        + " themselves: this is for files patched in place and run without them."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch runtime -o /opt/myapp/lib",
    "  LD_PRELOAD=$(a64patch runtime -o /tmp) rr record ./myapp"
  };

  CommandSpec spec;
  Path dir;
  FormatOption format;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("runtime", this, DESCRIPTION, FOOTER);
    spec.addOption(
        CommandModel.option(() -> dir, v -> dir = v, Path.class)
            .names("-o", "--output")
            .paramLabel("DIR")
            .defaultValue(".")
            .description("Directory to write the library into (default: the current directory).")
            .build());
    format = new FormatOption().addTo(spec);
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    Path file = dir.resolve(ClockLibrary.SONAME).toAbsolutePath().normalize();
    ClockLibrary.write(file);
    PrintWriter out = cmd.getOut();
    if (format.get() == FormatOption.Format.JSON) {
      JsonOutput.document(
          out,
          g -> {
            g.writeStringField("command", "runtime");
            g.writeStringField("file", file.toString());
            g.writeStringField("soname", ClockLibrary.SONAME);
            g.writeStringField("symbol", ClockLibrary.SYMBOL);
          });
    } else {
      out.println(file);
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
