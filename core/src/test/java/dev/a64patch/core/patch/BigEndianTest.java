package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** aarch64_be: ELF structures big-endian, instructions still little-endian. */
class BigEndianTest {
  @TempDir Path dir;

  @Test
  void patchedBigEndianProgramRunsUnderQemuAarch64Be() throws Exception {
    Path qemu = Tools.require("qemu-aarch64_be");
    Path original = TestData.bin("be-counter");
    Tools.Result before =
        Tools.run(List.of(qemu.toString(), original.toString()), Duration.ofSeconds(30));
    assertEquals(0, before.exitCode(), before.describe());
    Path patched = Patching.patchCopy(original, dir, PatchOptions.defaults());
    Patching.assertWellFormed(patched);
    Tools.Result after =
        Tools.run(List.of(qemu.toString(), patched.toString()), Duration.ofSeconds(30));
    assertEquals(0, after.exitCode(), after.describe());
    assertEquals(before.stdout(), after.stdout());
  }
}
