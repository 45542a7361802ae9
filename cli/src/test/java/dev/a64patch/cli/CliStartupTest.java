package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** The top-level patch options serve only 'a64patch FILE': a subcommand's run leaves them out. */
  @Test
  void aSubcommandRunLeavesOutTheTopLevelPatchOptions() {
    var bare = Cli.commandLine(new String[] {"scan", "x.so"}).getCommandSpec();
    assertEquals(
        Set.of("--help", "--version"),
        Set.copyOf(bare.options().stream().map(o -> o.longestName()).toList()));
    assertTrue(bare.positionalParameters().isEmpty());
    var full = Cli.commandLine(new String[] {"lib.so"}).getCommandSpec();
    assertTrue(full.findOption("--strategy") != null && !full.positionalParameters().isEmpty());
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

  /** Capstone and c++filt are preloaded for the commands that scan, and only for them. */
  @Test
  void preloadOnlyForCommandsThatScan() {
    for (String[] args :
        new String[][] {
          {"scan", "x.so"}, {"patch", "x.so"}, {"verify", "x.so"}, {"prepare", "p"}, {"lib.so"}
        }) {
      assertTrue(Preload.scans(args), String.join(" ", args));
    }
    for (String[] args :
        new String[][] {
          {},
          {"--version"},
          {"--help"},
          {"help", "scan"},
          {"restore", "x.so"},
          {"doctor"},
          {"runtime", "-o", "d"}
        }) {
      assertFalse(Preload.scans(args), String.join(" ", args));
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
