package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Only the subcommand that runs is built, and help still lists every one of them. */
class CliStartupTest {
  @Test
  void aSubcommandRunBuildsOnlyThatSubcommand() {
    var cl = Cli.commandLine(new String[] {"scan", "x.so"});
    assertEquals(Set.of("scan"), cl.getSubcommands().keySet());
  }

  @Test
  void helpAndDefaultPatchBuildEverySubcommand() {
    for (String[] args : new String[][] {{}, {"--help"}, {"help"}, {"lib.so"}}) {
      var cl = Cli.commandLine(args);
      assertTrue(
          cl.getSubcommands().keySet().containsAll(Set.of("scan", "patch", "restore", "verify")),
          String.join(" ", args) + ": " + cl.getSubcommands().keySet());
    }
  }

  @Test
  void topLevelHelpListsEverySubcommand() {
    var run = CliRunner.run("--help");
    assertEquals(0, run.exitCode());
    for (String name : new String[] {"scan", "patch", "restore", "verify"}) {
      assertTrue(run.out().contains("  " + name + " "), name + " missing from:\n" + run.out());
    }
  }

  @Test
  void subcommandHelpNamesTheWholeCommand() {
    var run = CliRunner.run("scan", "--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().startsWith("Usage: a64patch scan "), run.out());
  }
}
