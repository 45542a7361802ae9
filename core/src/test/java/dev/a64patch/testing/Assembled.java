package dev.a64patch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small AArch64 fixtures assembled from source text by binutils. */
public final class Assembled {
  private Assembled() {}

  /**
   * {@code dir/name}: a shared library linked from {@code source} (written to {@code name.s} and
   * assembled to {@code name.o} next to it).
   */
  public static Path sharedLibrary(Path dir, String name, String source) throws IOException {
    Path s = dir.resolve(name + ".s");
    Files.writeString(s, source);
    Path o = dir.resolve(name + ".o");
    Path so = dir.resolve(name);
    Tools.runOk(Tools.require("aarch64-linux-gnu-as").toString(), "-o", o.toString(), s.toString());
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-ld").toString(),
        "-shared",
        "-o",
        so.toString(),
        o.toString());
    return so;
  }
}
