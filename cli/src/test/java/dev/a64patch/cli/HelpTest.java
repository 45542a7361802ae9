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
}
