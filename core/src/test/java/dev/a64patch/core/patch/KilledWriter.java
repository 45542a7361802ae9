package dev.a64patch.core.patch;

import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM: patches argv[0] in place (with the strategy argv[1], default counter) and
 * halts (like kill -9) after the write, before the rename.
 */
public final class KilledWriter {
  private KilledWriter() {}

  /** Runs {@link #main} on {@code file} (and the strategy, if given) in a child JVM. */
  static Tools.Result run(Path file, String... strategy) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(KilledWriter.class.getName(), file.toString()));
    command.addAll(List.of(strategy));
    return Tools.run(command, Duration.ofMinutes(2));
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Patcher.patch(
        file,
        file,
        args.length > 1
            ? PatchOptions.defaults().withStrategy(Strategy.parse(args[1]))
            : PatchOptions.defaults(),
        false,
        new PatchWriter.Hooks() {
          @Override
          public void written(Path temporary) {
            System.out.println("written " + temporary);
            System.out.flush();
            Runtime.getRuntime().halt(137);
          }
        });
  }
}
