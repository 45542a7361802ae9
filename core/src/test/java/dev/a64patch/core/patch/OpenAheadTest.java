package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file opened ahead of its patch ({@link OpenAhead}) is patched as if patch had opened it: the
 * same result byte for byte, the file's own digest in the manifest; it is taken once; a file that
 * cannot be opened is opened again, and fails there as usual; one changed after it was opened ahead
 * is refused as any source changed under patch.
 */
class OpenAheadTest {
  @TempDir Path dir;

  @Test
  void aFileOpenedAheadIsPatchedAsIfOpenedByPatch() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Path plain = dir.resolve("plain");
    Patcher.patch(file, plain, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);

    OpenAhead.start(file);
    Path ahead = dir.resolve("ahead");
    Patcher.patch(file, ahead, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(plain, ahead));
    Manifest m = Manifest.read(dev.a64patch.elf.ElfFile.read(ahead)).orElseThrow();
    assertEquals(
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
        m.originalSha256());
  }

  @Test
  void itIsTakenOnceWithItsDigestBegun() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    OpenAhead.start(file);
    Source source = OpenAhead.take(file).orElseThrow();
    assertNotNull(source.digest());
    assertEquals(Sha256.of(source.bytes(), false), source.digest().get());
    assertTrue(OpenAhead.take(file).isEmpty());
  }

  @Test
  void aFileThatCannotBeOpenedFailsWhenPatchOpensIt() throws Exception {
    Path file = dir.resolve("not-elf");
    Files.writeString(file, "not an ELF file\n");
    OpenAhead.start(file);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Patcher.patch(
                    file,
                    dir.resolve("out"),
                    PatchOptions.defaults(),
                    false,
                    PatchWriter.Hooks.NONE));
    assertTrue(Failures.describe(e).startsWith(file.toString() + ": "), Failures.describe(e));
    assertFalse(Files.exists(dir.resolve("out")));
  }
}
