package dev.a64patch.cli;

import dev.a64patch.core.Names;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --format} option of every command: scan writes all formats, the others text and json.
 */
final class FormatOption {
  enum Format {
    TEXT,
    JSON,
    SARIF,
    CSV
  }

  private static final Set<Format> REPORTS_ONLY = Set.of(Format.SARIF, Format.CSV);

  private CommandSpec command;
  private Format format;

  /** Adds {@code --format} to {@code command}. */
  FormatOption addTo(CommandSpec command) {
    this.command = command;
    command.addOption(
        CommandModel.option(() -> format, v -> format = v, Format.class)
            .names("--format")
            .defaultValue("text")
            .paramLabel("FORMAT")
            .description("Output format: text (default) or json; scan also writes sarif and csv.")
            .build());
    return this;
  }

  /** The chosen format; sarif and csv only for scan. */
  Format get() {
    if (REPORTS_ONLY.contains(format) && !command.name().equals("scan")) {
      throw new ParameterException(
          command.commandLine(),
          "--format " + Names.id(format) + " is written by scan only; choose text or json");
    }
    return format;
  }
}
