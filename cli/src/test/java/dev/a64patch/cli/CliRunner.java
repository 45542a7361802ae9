package dev.a64patch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real command line in-process with captured stdout and stderr. */
final class CliRunner {
  record Run(int exitCode, String out, String err) {}

  private CliRunner() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Cli.commandLine(args);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
