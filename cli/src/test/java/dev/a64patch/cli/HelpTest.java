package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help reads cleanly at picocli's 80 columns: no sentence cut by a line end. */
class HelpTest {
  static final int WIDTH = 80;

  static List<CommandLine> commands() {
    CommandLine root = Cli.commandLine();
    List<CommandLine> all = new ArrayList<>(List.of(root));
    root.getSubcommands().forEach((name, c) -> all.add(c));
    all.removeIf(c -> c.getCommandName().equals("help"));
    return all;
  }

  @Test
  void descriptionParagraphsAreWholeSentences() {
    // picocli starts a new line for each element: an element that does not end a sentence
    // breaks the text mid-sentence (and the command list shows only the first element).
    for (CommandLine c : commands()) {
      for (String p : c.getCommandSpec().usageMessage().description()) {
        assertTrue(
            p.isEmpty() || p.endsWith(".") || p.endsWith(":"),
            c.getCommandName() + ": paragraph does not end a sentence: " + p);
      }
    }
  }

  @Test
  void everyLineFitsAndEveryCommandHasExamplesAndExitCodes() {
    for (CommandLine c : commands()) {
      String name = c.getCommandName();
      String[] args =
          name.equals("a64patch") ? new String[] {"--help"} : new String[] {name, "--help"};
      CliRunner.Run r = CliRunner.run(args);
      assertEquals(0, r.exitCode(), name);
      for (String line : r.out().lines().toList()) {
        assertTrue(line.length() <= WIDTH, name + ": line longer than " + WIDTH + ": " + line);
      }
      assertTrue(r.out().contains("%nExamples:%n".formatted()), name + ": no examples");
      assertTrue(r.out().contains("%nExit codes:%n".formatted()), name + ": no exit codes");
      for (ExitCode code : ExitCode.values()) {
        assertTrue(
            r.out().contains(String.format("%n  %2d   ", code.code())),
            name + ": exit code " + code.code() + " not listed");
      }
    }
  }

  @Test
  void exampleLinesAreNotWrapped() {
    // picocli wraps a footer line that is too long at column 0, where it reads as a new example.
    for (CommandLine c : commands()) {
      for (String line : c.getCommandSpec().usageMessage().footer()) {
        assertTrue(line.length() <= WIDTH, c.getCommandName() + ": example line too long: " + line);
      }
    }
  }

  /**
   * {@code help COMMAND} prints what {@code COMMAND --help} prints; an unknown one is a usage
   * error.
   */
  @Test
  void helpCommandShowsTheNamedCommandsHelp() {
    for (String name : List.of("scan", "patch", "verify", "doctor")) {
      CliRunner.Run viaHelp = CliRunner.run("help", name);
      CliRunner.Run direct = CliRunner.run(name, "--help");
      assertEquals(0, viaHelp.exitCode(), viaHelp.err());
      assertEquals(direct.out(), viaHelp.out(), name);
    }
    CliRunner.Run top = CliRunner.run("help");
    assertEquals(CliRunner.run("--help").out(), top.out());
    CliRunner.Run unknown = CliRunner.run("help", "nosuch");
    assertEquals(ExitCode.USAGE.code(), unknown.exitCode());
    assertTrue(unknown.err().contains("Unknown subcommand 'nosuch'"), unknown.err());
    CliRunner.Run own = CliRunner.run("help", "--help");
    assertTrue(
        own.out().startsWith("Display help information about the specified command."), own.out());
    assertTrue(own.out().contains("Usage: a64patch help [-h] [COMMAND]"), own.out());
  }

  /** Every command answers -V and --version with the version, as the top-level command does. */
  @Test
  void everyCommandPrintsTheVersion() {
    String version = CliRunner.run("--version").out();
    assertTrue(version.matches("a64patch \\S+\\R"), version);
    for (CommandLine c : commands()) {
      String name = c.getCommandName();
      if (!name.equals("a64patch")) {
        assertEquals(version, CliRunner.run(name, "-V").out(), name);
      }
    }
  }
}
