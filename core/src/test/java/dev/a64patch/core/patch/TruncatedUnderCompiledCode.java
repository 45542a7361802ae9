package dev.a64patch.core.patch;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM whose compare of byte buffers is compiled first, as it is late in a long run
 * (a test suite, a batch): then the compare uses a vectorized stub in which the JVM does not turn a
 * fault on a truncated mapping into an exception, and the process died with SIGBUS (exit 134) where
 * it must report the truncation. argv[0]: a copy of a test file to patch; argv[1]: "write"
 * truncates it when the writer opens its temporary file, "compare" when the written result is
 * compared with it. Prints the one-line message of the failure and exits 0, or exits 1 when nothing
 * failed.
 */
public final class TruncatedUnderCompiledCode {
  private TruncatedUnderCompiledCode() {}

  static Tools.Result run(Path file, String when) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xbatch", "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(TruncatedUnderCompiledCode.class.getName(), file.toString(), when));
    return Tools.run(command, Duration.ofMinutes(2));
  }

  public static void main(String[] args) throws Exception {
    compileTheCompare();
    Path file = Path.of(args[0]);
    try {
      if (args[1].equals("write")) {
        ConcurrentChangeTest.patchWhileWriting(file, file.resolveSibling("out"), () -> cut(file));
      } else {
        compareWithTruncated(file);
      }
    } catch (IOException e) {
      System.out.println(Failures.describe(e));
      System.exit(0);
    }
    System.exit(1);
  }

  /**
   * What the writer and the proof compare (mapped with heap and mapped with mapped buffers), many
   * times, so that it is compiled.
   */
  private static void compileTheCompare() {
    ByteBuffer a = ByteBuffer.allocateDirect(4096);
    ByteBuffer b = ByteBuffer.allocateDirect(4096);
    ByteBuffer zeros = ByteBuffer.wrap(new byte[4096]).asReadOnlyBuffer();
    int sum = 0;
    for (int i = 0; i < 100_000; i++) {
      sum += a.slice(0, 4096).mismatch(b.slice(0, 4096)) + a.slice(0, 4096).mismatch(zeros);
      sum += zeros.mismatch(b.slice(0, 4096));
    }
    if (sum != -300_000) {
      throw new AssertionError(sum);
    }
  }

  /** The file mapped, then truncated to 100 bytes, then compared with a result of its length. */
  private static void compareWithTruncated(Path file) throws IOException {
    ByteBuffer mapped;
    try (FileChannel c = FileChannel.open(file)) {
      mapped = c.map(FileChannel.MapMode.READ_ONLY, 0, c.size());
    }
    byte[] same = Files.readAllBytes(file);
    cut(file);
    // What the first page reads now, so that the compare goes on to the pages that are gone.
    java.util.Arrays.fill(same, 100, 4096, (byte) 0);
    FileEdits none = FileEdits.none(same.length);
    dev.a64patch.core.io.Mapped.guard(file, () -> none.renders(ByteBuffer.wrap(same), mapped));
  }

  private static void cut(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(100);
    }
  }
}
