package dev.a64patch.cli;

import dev.a64patch.core.Names;
import dev.a64patch.core.closure.Doctor;
import dev.a64patch.core.report.JsonOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

final class DoctorCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Says what decides whether rr will record and replay a program here.",
    "Checks: the kernel (6.12 and later"
        + " trap counter reads themselves), LSE atomics, rr and its version, perf_event_paranoid;"
        + " and for PROGRAM, its closure: missing libraries, objects that read the counter,"
        + " whether it is prepared, and JIT engines whose generated code no static rewrite reaches."
        + " Exit 0 unless PROGRAM's closure has a missing library (7)."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch doctor",
    "  a64patch doctor ./myprogram",
    "  a64patch doctor --root /srv/arm64-image --format json \\",
    "      /srv/arm64-image/usr/bin/app"
  };

  CommandSpec spec;
  Path program;
  PrepareOptionsMixin prepare;
  FormatOption format;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("doctor", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.positional(() -> program, v -> program = v, Path.class)
            .arity("0..1")
            .paramLabel("PROGRAM")
            .description("A program to examine.")
            .build());
    prepare = new PrepareOptionsMixin().addTo(spec);
    format = new FormatOption().addTo(spec);
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    List<Doctor.Check> checks =
        new ArrayList<>(Doctor.host(Doctor.Host.of(Path.of("/proc"), DoctorCommand::output)));
    if (program != null) {
      checks.addAll(Doctor.program(prepare.request(cmd, program)));
    }
    PrintWriter out = cmd.getOut();
    if (format.get() == FormatOption.Format.JSON) {
      JsonOutput.document(
          out,
          g -> {
            g.writeStringField("command", "doctor");
            g.writeArrayFieldStart("checks");
            for (Doctor.Check c : checks) {
              g.writeStartObject();
              g.writeStringField("topic", c.topic());
              g.writeStringField("status", Names.id(c.status()));
              g.writeStringField("message", c.message());
              g.writeEndObject();
            }
            g.writeEndArray();
          });
    } else {
      for (Doctor.Check c : checks) {
        out.println(String.format("%-5s %-20s %s", c.status(), c.topic(), c.message()));
      }
    }
    out.flush();
    boolean missing =
        checks.stream()
            .anyMatch(c -> c.topic().equals("closure") && c.status() == Doctor.Status.FAIL);
    return missing ? ExitCode.MISSING_LIBRARY.code() : ExitCode.OK.code();
  }

  /** Runs a short command (rr --version); empty when it is not installed or fails. */
  static Optional<String> output(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] b = p.getInputStream().readAllBytes();
      if (!p.waitFor(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return p.exitValue() == 0
          ? Optional.of(new String(b, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
