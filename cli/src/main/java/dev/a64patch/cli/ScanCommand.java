package dev.a64patch.cli;

import dev.a64patch.core.batch.BatchOptions;
import dev.a64patch.core.batch.BatchScanner;
import dev.a64patch.core.batch.FindingGate;
import dev.a64patch.core.disasm.InstructionDecoder;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.SysReg;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** {@code a64patch scan}. */
final class ScanCommand implements Callable<Integer> {
  enum GateConfidence {
    HIGH,
    ANY
  }

  private static final String[] DESCRIPTION = {
    "Lists every read of the counter, frequency, random and PMU registers in AArch64 ELF files.",
    "PATH may be a file, a directory (searched recursively; non-ELF files are counted, ELF"
        + " files of other machines skipped) or a jar/zip/aar/apk archive (searched for ELF"
        + " entries, named ARCHIVE!/ENTRY)."
  };

  private static final String[] FOOTER = {
    "%nExamples:",
    "  a64patch scan libabsl_base.so.20220623.0.0",
    "  a64patch scan --registers counters --context 2 ./myprog",
    "  a64patch scan /usr/lib/aarch64-linux-gnu",
    "  a64patch scan --format sarif -o scan.sarif --fail-on counters build/ libs/",
    "%nReport formats: docs/batch-scan.md; the JSON schema: docs/json-schema.md."
  };

  CommandSpec spec;
  List<Path> paths;
  FormatOption format;
  Path output;
  int context;
  Set<SysReg> registers;
  Integer jobs;
  Set<SysReg> failOn;
  GateConfidence failOnConfidence;
  boolean sarifStartLine;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    spec = CommandModel.command("scan", this, DESCRIPTION, FOOTER);
    spec.addPositional(
        CommandModel.paths(
            () -> paths,
            v -> paths = v,
            "1..*",
            "PATH",
            "ELF files, directories and archives to scan."));
    format = new FormatOption().addTo(spec);
    spec.addOption(
        CommandModel.option(() -> output, v -> output = v, Path.class)
            .names("-o", "--output")
            .paramLabel("FILE")
            .description(
                "Write the report to FILE instead of stdout (replaced atomically when complete).")
            .build());
    spec.addOption(
        CommandModel.option(() -> context, v -> context = v, int.class)
            .names("--context")
            .defaultValue("0")
            .paramLabel("N")
            .description("Show N instructions of disassembly before and after each read.")
            .build());
    spec.addOption(
        CommandModel.option(() -> registers, v -> registers = v, Set.class, SysReg.class)
            .names("--registers")
            .paramLabel("LIST")
            .converters(new RegisterList())
            .defaultValue("all")
            .description(
                "Registers to look for, comma-separated: all (default), counters, or names such as"
                    + " CNTVCT_EL0,CNTFRQ_EL0.")
            .build());
    spec.addOption(
        CommandModel.option(() -> jobs, v -> jobs = v, Integer.class)
            .names("-j", "--jobs")
            .paramLabel("N")
            .description("Scan N files in parallel (default: the number of processors).")
            .build());
    spec.addOption(
        CommandModel.option(() -> failOn, v -> failOn = v, Set.class, SysReg.class)
            .names("--fail-on")
            .paramLabel("LIST")
            .converters(new RegisterList())
            .description(
                "Exit with 1 when a read of one of these registers is found (same names as"
                    + " --registers), unless an error (3, 4) takes precedence. For CI gates.")
            .build());
    spec.addOption(
        CommandModel.option(() -> failOnConfidence, v -> failOnConfidence = v, GateConfidence.class)
            .names("--fail-on-confidence")
            .paramLabel("LEVEL")
            .defaultValue("any")
            .description(
                "Which reads --fail-on counts: any (default), or high (high-confidence reads"
                    + " only).")
            .build());
    spec.addOption(
        CommandModel.option(() -> sarifStartLine, v -> sarifStartLine = v, boolean.class)
            .names("--sarif-start-line")
            .description(
                "SARIF: give every result region.startLine 1 instead of a byte region, and locate"
                    + " reads in archive entries at the archive, as GitHub code scanning needs a"
                    + " line in a file of the repository before it shows a result.")
            .build());
    return spec;
  }

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    BatchOptions options = BatchOptions.of(new ScanOptions(registers, context));
    if (jobs != null) {
      options = options.withJobs(jobs);
    }
    ScanReport report = new BatchScanner(options).scan(paths, ProgressLine.forStderr(err));
    for (FileProblem p : report.errors()) {
      err.println("a64patch: " + p.message());
    }
    warnIfNoDecoder(report, err);
    ReportOutput.write(report, format.get(), sarifStartLine, output, spec.commandLine().getOut());
    ExitCode code = exitCode(report, gate());
    if (code == ExitCode.FINDINGS) {
      long n = gate().count(report);
      err.println("a64patch: --fail-on: " + n + " matching read" + (n == 1 ? "" : "s") + " found");
    }
    err.flush();
    return code.code();
  }

  private void validate() {
    if (context < 0 || context > 64) {
      throw new ParameterException(
          spec.commandLine(), "--context must be between 0 and 64, was " + context);
    }
    if (jobs != null && (jobs < 1 || jobs > 256)) {
      throw new ParameterException(
          spec.commandLine(), "--jobs must be between 1 and 256, was " + jobs);
    }
    if (failOn != null) {
      Set<SysReg> unscanned = EnumSet.copyOf(failOn);
      unscanned.removeAll(registers);
      if (!unscanned.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(),
            "--fail-on names "
                + unscanned
                + ", which --registers leaves out: such reads are never found");
      }
    }
    if (sarifStartLine && format.get() != FormatOption.Format.SARIF) {
      throw new ParameterException(spec.commandLine(), "--sarif-start-line needs --format sarif");
    }
  }

  private FindingGate gate() {
    return failOn == null ? null : new FindingGate(failOn, failOnConfidence == GateConfidence.ANY);
  }

  private static void warnIfNoDecoder(ScanReport report, PrintWriter err) {
    if (report.findingCount() > 0) {
      InstructionDecoder.unavailableReason()
          .ifPresent(
              reason ->
                  err.println(
                      "a64patch: warning: "
                          + reason
                          + "; plausibility checks and context are skipped"));
    }
  }

  /** The most serious problem's code, else 1 when the gate matched: errors outrank findings. */
  static ExitCode exitCode(ScanReport report, FindingGate gate) {
    ExitCode code = gate != null && gate.count(report) > 0 ? ExitCode.FINDINGS : ExitCode.OK;
    for (FileProblem p : report.problems()) {
      code = ExitCode.worse(code, ExitCode.of(p.kind()));
    }
    return code;
  }
}
