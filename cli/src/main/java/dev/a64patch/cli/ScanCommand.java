package dev.a64patch.cli;

import dev.a64patch.core.disasm.InstructionDecoder;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.TextReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scan",
        mixinStandardHelpOptions = true,
        description = "Lists every read of the counter, frequency, random and PMU registers in AArch64 ELF files.",
        footer = {"%nExamples:",
            "  a64patch scan libabsl_base.so.20220623.0.0",
            "  a64patch scan --registers counters --context 2 ./myprog",
            "  a64patch scan --format json lib*.so > reads.json"})
final class ScanCommand implements Callable<Integer> {
    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "ELF files to scan.")
    List<Path> files;

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--context", defaultValue = "0", paramLabel = "N",
            description = "Show N instructions of disassembly before and after each read.")
    int context;

    @Option(names = "--registers", paramLabel = "LIST", converter = RegisterList.class, defaultValue = "all",
            description = "Registers to look for, comma-separated: all (default), counters, or names such as CNTVCT_EL0,CNTFRQ_EL0.")
    Set<SysReg> registers;

    @Override
    public Integer call() throws IOException {
        if (context < 0 || context > 64) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--context must be between 0 and 64, was " + context);
        }
        PrintWriter err = spec.commandLine().getErr();
        Scanner scanner = new Scanner(new ScanOptions(registers, context));
        List<ScanResult> results = new ArrayList<>();
        List<FileProblem> problems = new ArrayList<>();
        for (Path file : files) {
            try {
                results.add(scanner.scan(ElfFile.read(file)));
            } catch (ElfException | IOException e) {
                FileProblem p = Failures.problem(file.toString(), e);
                problems.add(p);
                err.println("a64patch: " + p.message());
            }
        }
        warnIfNoDecoder(results, err);
        ScanReport report = new ScanReport(results, problems, 0);
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            JsonReport.write(report, out);
        } else {
            TextReport.write(report, out);
        }
        err.flush();
        return exitCode(report).code();
    }

    private static void warnIfNoDecoder(List<ScanResult> results, PrintWriter err) {
        boolean anyFinding = results.stream().anyMatch(r -> !r.findings().isEmpty());
        if (anyFinding) {
            InstructionDecoder.unavailableReason().ifPresent(reason ->
                    err.println("a64patch: warning: " + reason + "; plausibility checks and context are skipped"));
        }
    }

    static ExitCode exitCode(ScanReport report) {
        if (report.has(FileProblem.Kind.UNREADABLE)) {
            return ExitCode.UNREADABLE;
        }
        if (report.has(FileProblem.Kind.BAD_INPUT)) {
            return ExitCode.BAD_INPUT;
        }
        return ExitCode.OK;
    }
}
