package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Shared steps of the patch tests: patch to a copy, and the binutils/verify checks every patched
 * file must pass.
 */
final class Patching {
  private Patching() {}

  static Path patchCopy(Path input, Path dir, PatchOptions options) throws IOException {
    Path out = dir.resolve(input.getFileName() + "." + options.strategy().id());
    Patcher.Outcome o = Patcher.patch(input, out, options, false, PatchWriter.Hooks.NONE);
    assertTrue(
        o.result() == Patcher.Result.PATCHED || o.result() == Patcher.Result.NOTHING_TO_PATCH,
        o.result().toString());
    return out;
  }

  /** readelf -lW must not warn; a64patch verify must pass. */
  static void assertWellFormed(Path patched) throws IOException {
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    Tools.Result r =
        Tools.run(List.of(readelf.toString(), "-lSW", patched.toString()), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    // readelf prints its warnings ("PHDR segment is not covered by a LOAD segment", ...) on stderr.
    assertEquals("", r.stderr(), "readelf warnings on " + patched);
    VerifyReport v = Verifier.verify(ElfFile.read(patched));
    assertTrue(v.ok(), "verify " + patched + ": " + v.problems());
  }
}
