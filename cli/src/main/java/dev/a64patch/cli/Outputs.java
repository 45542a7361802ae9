package dev.a64patch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Where {@code patch} and {@code restore} write: in place, to {@code -o FILE}, or into {@code -o
 * DIR}.
 */
final class Outputs {
  private Outputs() {}

  /**
   * Refuses, before anything is written, an {@code -o} that is not a directory for several files,
   * and two files that would be written to one output name ({@code -o out/ a/lib.so b/lib.so} would
   * otherwise write b over a and report both done).
   */
  static void check(CommandLine cmd, List<Path> files, Path output) {
    if (output == null) {
      return;
    }
    if (files.size() > 1 && !Files.isDirectory(output)) {
      throw new CommandLine.ParameterException(
          cmd, "-o must be an existing directory when several files are given");
    }
    Map<Path, Path> seen = new HashMap<>();
    for (Path file : files) {
      Path target = target(file, output).toAbsolutePath().normalize();
      Path before = seen.putIfAbsent(target, file);
      if (before != null) {
        throw new CommandLine.ParameterException(
            cmd,
            before
                + " and "
                + file
                + " would both be written to "
                + target(file, output)
                + "; give them separate -o runs");
      }
    }
  }

  static Path target(Path file, Path output) {
    if (output == null) {
      return file;
    }
    return Files.isDirectory(output) ? output.resolve(file.getFileName()) : output;
  }
}
