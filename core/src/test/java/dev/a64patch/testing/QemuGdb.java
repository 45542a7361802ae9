package dev.a64patch.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * gdb-multiarch attached to qemu-aarch64's gdb stub: runs a program to a breakpoint, takes a
 * backtrace there and again after some single steps, and returns the backtraces.
 */
public final class QemuGdb {
  private QemuGdb() {}

  /** The backtraces (each starting with {@code #0 }) and the gdb run, for messages. */
  public record Traces(List<String> backtraces, Tools.Result gdb) {}

  /**
   * Runs {@code program args} under qemu, stopped for gdb; breaks at symbol {@code symbol}, takes a
   * backtrace, steps {@code steps} instructions and takes another. qemu's output goes to {@code
   * log}.
   */
  public static Traces backtraces(
      Path program, List<String> args, String symbol, int steps, Path log)
      throws IOException, InterruptedException {
    Path gdb = Tools.require("gdb-multiarch");
    Path qemu = Tools.require("qemu-aarch64");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command =
        new ArrayList<>(List.of(qemu.toString(), "-g", Integer.toString(port), "-L", Qemu.SYSROOT));
    command.add(program.toString());
    command.addAll(args);
    Process qemuProcess =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Tools.Result r =
          Tools.run(
              List.of(
                  gdb.toString(),
                  "-nx",
                  "-batch",
                  "-ex",
                  "set sysroot " + Qemu.SYSROOT,
                  "-ex",
                  "file " + program,
                  "-ex",
                  // An address, not "localhost": a minimal root (debootstrap) has no /etc/hosts.
                  "target remote 127.0.0.1:" + port,
                  "-ex",
                  "break *'" + symbol + "'",
                  "-ex",
                  "continue",
                  "-ex",
                  "bt",
                  "-ex",
                  "stepi " + steps,
                  "-ex",
                  "bt",
                  "-ex",
                  "kill"),
              Duration.ofSeconds(120));
      List<String> traces = new ArrayList<>();
      for (String block : r.stdout().split("(?m)^(?=#0 )")) {
        if (block.startsWith("#0 ")) {
          traces.add(block);
        }
      }
      return new Traces(traces, r);
    } finally {
      qemuProcess.destroyForcibly().waitFor();
    }
  }
}
