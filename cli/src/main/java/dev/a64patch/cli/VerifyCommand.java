package dev.a64patch.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.patch.Verifier;
import dev.a64patch.core.patch.VerifyReport;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.JsonOutput;
import dev.a64patch.elf.ElfException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

final class VerifyCommand implements Callable<Integer> {
  private static final String[] DESCRIPTION = {
    "Checks that patched files are laid out, branched and patched as a64patch means them.",
    "Checks the program header layout rules; that every recorded site branches to a"
        + " trampoline (directly or through its islands) that decodes (Capstone) to the"
        + " expected code and returns to site+4; and"
        + " that no read that should have been patched is left. Exit 5 when anything is wrong."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch verify libtcmalloc.so",
    "  a64patch verify --format json build/lib/*.so"
  };

  CommandSpec spec;
  List<Path> files;
  FormatOption format;
  boolean allowUnpatched;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("verify", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.paths(
            () -> files, v -> files = v, "1..*", "FILE", "Files patched by a64patch."));
    format = new FormatOption().addTo(spec);
    spec.addOption(
        CommandModel.option(() -> allowUnpatched, v -> allowUnpatched = v, boolean.class)
            .names("--allow-unpatched")
            .description(
                "Pass even when reads the patch options select were left unpatched (out of reach"
                    + " of a",
                "branch, or uncertain without --include-uncertain); they are listed either way.")
            .build());
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    CommandLine cmd = spec.commandLine();
    FormatOption.Format f = format.get();
    List<VerifyReport> reports = new ArrayList<>();
    List<FileProblem> problems = new ArrayList<>();
    ExitCode worst = ExitCode.OK;
    for (Path file : files) {
      try {
        VerifyReport r = Verifier.verify(file);
        reports.add(r);
        if (!passes(r)) {
          worst = ExitCode.worse(worst, ExitCode.VERIFY_FAILED);
        }
      } catch (ElfException | A64PatchException | IOException e) {
        problems.add(FailureOutput.problem(file.toString(), e));
        cmd.getErr().println("a64patch: " + FailureOutput.message(e));
        worst = ExitCode.worse(worst, ExitCode.of(Failures.kind(e)));
      }
    }
    PrintWriter out = cmd.getOut();
    if (f == FormatOption.Format.JSON) {
      JsonOutput.envelope(out, "verify", reports, this::json, problems);
    } else {
      for (VerifyReport r : reports) {
        out.println(
            r.file()
                + ": "
                + (passes(r) ? "ok" : "FAILED")
                + (r.patched() ? " (" + r.sites() + " sites recorded)" : ""));
        r.problems().forEach(p -> out.println("  problem: " + p));
        String label = allowUnpatched ? "  unpatched (allowed): " : "  unpatched: ";
        r.unpatched().forEach(u -> out.println(label + u));
        r.notes().forEach(n -> out.println("  note: " + n));
      }
    }
    out.flush();
    cmd.getErr().flush();
    return worst.code();
  }

  /** Well formed, and every selected read patched unless --allow-unpatched. */
  private boolean passes(VerifyReport r) {
    return r.ok() && (allowUnpatched || r.unpatched().isEmpty());
  }

  private void json(JsonGenerator g, VerifyReport r) throws IOException {
    g.writeStringField("path", r.file());
    g.writeBooleanField("ok", passes(r));
    g.writeBooleanField("patched", r.patched());
    g.writeNumberField("sites", r.sites());
    g.writeArrayFieldStart("problems");
    for (String p : r.problems()) {
      g.writeString(p);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("notes");
    for (String n : r.notes()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("unpatched");
    for (String u : r.unpatched()) {
      g.writeString(u);
    }
    g.writeEndArray();
    if (r.unwind() != null) {
      // Where the trampolines' unwind rules come from (docs/patching.md, "Unwind information").
      g.writeObjectFieldStart("unwind");
      g.writeNumberField("trampolines", r.unwind().trampolines());
      g.writeNumberField("site", r.unwind().site());
      g.writeNumberField("prologue", r.unwind().prologue());
      g.writeNumberField("assumed", r.unwind().assumed());
      g.writeNumberField("none", r.unwind().none());
      g.writeEndObject();
    }
  }
}
