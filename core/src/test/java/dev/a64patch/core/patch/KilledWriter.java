package dev.a64patch.core.patch;

import java.nio.file.Path;

/**
 * Run in a child JVM: patches argv[0] in place (with the strategy argv[1], default counter) and
 * halts (like kill -9) after the write, before the rename.
 */
public final class KilledWriter {
  private KilledWriter() {}

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
