package dev.a64patch.cli;

/** Entry point of the {@code a64patch} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.commandLine(args).execute(args));
  }
}
