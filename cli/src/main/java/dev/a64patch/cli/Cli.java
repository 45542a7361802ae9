package dev.a64patch.cli;

import dev.a64patch.core.Names;
import dev.a64patch.core.patch.OutOfRangePolicy;
import dev.a64patch.core.patch.RndrMode;
import dev.a64patch.core.patch.Strategy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Builds the configured picocli command line; tests use it with their own writers. */
public final class Cli {
  /**
   * Every subcommand's model, in the order {@code --help} lists them. A run of {@code a64patch scan
   * ...} builds only the scan command's (docs/performance.md, "Start-up").
   */
  private static final Map<String, Supplier<CommandSpec>> SUBCOMMANDS = new LinkedHashMap<>();

  static {
    // picocli registers type converters for java.sql and java.time classes by reflection,
    // loading about 80 classes on every run; the commands need none of them (only Path).
    if (System.getProperty("picocli.converters.excludes") == null) {
      System.setProperty("picocli.converters.excludes", "^(?!java\\.nio\\.file\\.Path$).*");
    }
    SUBCOMMANDS.put("scan", () -> new ScanCommand().model());
    SUBCOMMANDS.put("patch", () -> new PatchCommand().model());
    SUBCOMMANDS.put("restore", () -> new RestoreCommand().model());
    SUBCOMMANDS.put("verify", () -> new VerifyCommand().model());
    SUBCOMMANDS.put("prepare", () -> new PrepareCommand().model());
    SUBCOMMANDS.put("run", () -> new LaunchCommand.Run().model());
    SUBCOMMANDS.put("record", () -> new LaunchCommand.Record().model());
    SUBCOMMANDS.put("doctor", () -> new DoctorCommand().model());
    SUBCOMMANDS.put("runtime", () -> new RuntimeCommand().model());
    SUBCOMMANDS.put("help", () -> new HelpCommand().model());
  }

  private Cli() {}

  /** The whole command line, every subcommand included. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for these arguments: when the first one names a subcommand other than {@code
   * help}, only that subcommand is built; otherwise (help, usage errors, {@code a64patch FILE}) all
   * of them are, so listings and messages are the same as with the whole model.
   */
  public static CommandLine commandLine(String[] args) {
    String first = args.length > 0 ? args[0] : "";
    boolean onlyOne = SUBCOMMANDS.containsKey(first) && !first.equals("help");
    // The top-level options serve only 'a64patch FILE': a subcommand's run leaves them out.
    A64PatchCommand top = new A64PatchCommand();
    CommandLine cl = new CommandLine(onlyOne ? top.bareModel() : top.model());
    if (onlyOne) {
      cl.addSubcommand(first, SUBCOMMANDS.get(first).get());
    } else {
      SUBCOMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    // Every enum a user names goes through the one vocabulary (Names): lower case, hyphens.
    // Registered after the subcommands are added: registerConverter reaches only those.
    vocabulary(cl, Strategy.class);
    vocabulary(cl, OutOfRangePolicy.class);
    vocabulary(cl, RndrMode.class);
    vocabulary(cl, FormatOption.Format.class);
    vocabulary(cl, ScanCommand.GateConfidence.class);
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

  /** True when {@code name} is a subcommand's name. */
  static boolean isSubcommand(String name) {
    return SUBCOMMANDS.containsKey(name);
  }

  private static <E extends Enum<E>> void vocabulary(CommandLine cl, Class<E> type) {
    cl.registerConverter(
        type,
        text -> {
          try {
            return Names.parse(type, text);
          } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
          }
        });
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
