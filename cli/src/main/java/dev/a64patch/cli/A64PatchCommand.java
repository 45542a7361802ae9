package dev.a64patch.cli;

import dev.a64patch.core.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "a64patch",
        mixinStandardHelpOptions = true,
        versionProvider = A64PatchCommand.VersionProvider.class,
        subcommands = {ScanCommand.class, CommandLine.HelpCommand.class},
        description = {
            "Finds the reads of the AArch64 counter registers (mrs xN, cntvct_el0 and friends) in ELF files",
            "and rewrites them so that rr can record and replay the program deterministically."},
        footer = {"%nExamples:",
            "  a64patch scan libtcmalloc.so",
            "  a64patch scan --format json --context 3 /usr/lib/aarch64-linux-gnu/libabsl_base.so.*"})
final class A64PatchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"a64patch " + Version.get()};
        }
    }
}
