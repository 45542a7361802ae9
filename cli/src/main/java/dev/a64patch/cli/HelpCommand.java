package dev.a64patch.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code a64patch help [COMMAND]}: what picocli's {@code HelpCommand} does, worded the same, with
 * its model built like the other commands' ({@link CommandModel}): picocli's own is read from
 * annotations, and {@code a64patch FILE} and {@code --help} build every subcommand.
 */
final class HelpCommand implements Callable<Integer>, CommandLine.IHelpCommandInitializable2 {
  private CommandLine self;
  private PrintWriter out;
  private Help.ColorScheme colors;
  private String command;

  /** The command's picocli model, bound to this object's fields. */
  CommandSpec model() {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("help").helpCommand(true);
    spec.usageMessage()
        .header("Display help information about the specified command.")
        .synopsisHeading("%nUsage: ")
        .description(
            "%nWhen no COMMAND is given, the usage help for the main command is displayed.",
            "If a COMMAND is specified, the help for that command is shown.%n");
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show usage help for the help command and exit.")
            .build());
    spec.addPositional(
        CommandModel.positional(() -> command, v -> command = v, String.class)
            .arity("0..1")
            .paramLabel("COMMAND")
            .description("The COMMAND to display the usage help message for.")
            .build());
    return spec;
  }

  @Override
  public void init(
      CommandLine helpCommandLine,
      Help.ColorScheme colorScheme,
      PrintWriter outWriter,
      PrintWriter errWriter) {
    self = helpCommandLine;
    colors = colorScheme;
    out = outWriter;
  }

  @Override
  public Integer call() {
    CommandLine parent = self.getParent();
    CommandLine shown = command == null ? parent : parent.getSubcommands().get(command);
    if (shown == null) {
      throw new ParameterException(parent, "Unknown subcommand '" + command + "'.", null, command);
    }
    shown.usage(out, colors);
    return shown.getCommandSpec().exitCodeOnUsageHelp();
  }
}
