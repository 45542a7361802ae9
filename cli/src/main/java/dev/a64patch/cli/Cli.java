package dev.a64patch.cli;

import picocli.CommandLine;

/** Builds the configured picocli command line; tests use it with their own writers. */
public final class Cli {
  private Cli() {}

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new A64PatchCommand());
    cl.setExecutionExceptionHandler(new FailureOutput());
    cl.setParameterExceptionHandler(Cli::usageError);
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCode.helpList());
    for (CommandLine sub : cl.getSubcommands().values()) {
      sub.getCommandSpec()
          .usageMessage()
          .exitCodeListHeading("%nExit codes:%n")
          .exitCodeList(ExitCode.helpList());
    }
    return cl;
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("a64patch: " + e.getMessage());
    cmd.getErr()
        .println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    cmd.getErr().flush();
    return ExitCode.USAGE.code();
  }
}
