package dev.a64patch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * Where {@code patch} and {@code restore} write: in place, to {@code -o FILE}, or into {@code -o
 * DIR}.
 */
final class Outputs {
  private Outputs() {}

  static void check(CommandLine cmd, List<Path> files, Path output) {
    if (output != null && files.size() > 1 && !Files.isDirectory(output)) {
      throw new CommandLine.ParameterException(
          cmd, "-o must be an existing directory when several files are given");
    }
  }

  static Path target(Path file, Path output) {
    if (output == null) {
      return file;
    }
    return Files.isDirectory(output) ? output.resolve(file.getFileName()) : output;
  }
}
