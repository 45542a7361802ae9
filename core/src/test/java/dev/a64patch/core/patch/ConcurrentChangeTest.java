package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Listing;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues: two in-place patches of one file with different options corrupted it silently (the writer
 * re-opened the path and copied the other run's output); a file truncated while mapped ended in an
 * InternalError and a stack trace; a kill during a re-patch leaked a full-size temporary file.
 * Another process's change is simulated at the moment the writer starts copying.
 */
class ConcurrentChangeTest {
  @TempDir Path dir;

  /**
   * Patches {@code in} into {@code out} with the default options, running {@code change} when the
   * writer opens its temporary file, i.e. before it copies.
   */
  static void patchWhileWriting(Path in, Path out, IoAction change) throws IOException {
    PatchWriter.Hooks whenWriting =
        new PatchWriter.Hooks() {
          @Override
          public FileChannel channel(FileChannel c) {
            try {
              change.run();
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
            return c;
          }
        };
    Patcher.patch(in, out, PatchOptions.defaults(), false, whenWriting);
  }

  interface IoAction {
    void run() throws IOException;
  }

  @Test
  void twoInPlacePatchesWithDifferentOptionsNeverCorruptTheFile() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Path other = dir.resolve("other");
    Patcher.patch(
        file,
        other,
        PatchOptions.defaults().withStrategy(Strategy.CLOCK),
        false,
        PatchWriter.Hooks.NONE);
    byte[] othersOutput = Files.readAllBytes(other);
    // The other run renames its output over the file while this run is about to copy.
    FileSystemException e =
        assertThrows(
            FileSystemException.class,
            () ->
                patchWhileWriting(
                    file,
                    file,
                    () ->
                        Files.move(
                            other,
                            file,
                            StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("replaced"), e.getMessage());
    assertArrayEquals(othersOutput, Files.readAllBytes(file), "the other run's output stays");
    assertEquals(Set.of("libcounters.so"), Listing.names(dir));
    Patcher.restore(file, file, PatchWriter.Hooks.NONE);
    assertEquals(-1, Files.mismatch(file, TestData.bin("libcounters.so")));
  }

  @Test
  void aSameSizeOverwriteBeforeTheRenameIsRefused() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    byte[] before = Files.readAllBytes(file);
    byte[] rebuilt = before.clone();
    rebuilt[rebuilt.length - 1] ^= 1;
    IOException e =
        assertThrows(
            IOException.class,
            () -> patchWhileWriting(file, file, () -> Files.write(file, rebuilt)));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertArrayEquals(rebuilt, Files.readAllBytes(file), "the rebuilt file is left as written");
    assertEquals(Set.of("libcounters.so"), Listing.names(dir));
  }

  @Test
  void aFileTruncatedWhileMappedIsOneLineNotAnInternalError() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                patchWhileWriting(
                    file,
                    dir.resolve("out"),
                    () -> {
                      try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        c.truncate(100);
                      }
                    }));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /**
   * Bug: once the JIT had compiled the compare of byte buffers (late in a test run, or a batch), a
   * file truncated while patch wrote it, or while the proof compared the result with it, ended the
   * JVM with SIGBUS (exit 134, an hs_err file) instead of the one line above.
   */
  @Test
  void aFileTruncatedUnderCompiledCodeIsOneLineNotACrash() throws Exception {
    for (String when : List.of("write", "compare")) {
      Path file = TestData.copy("libcounters.so", dir);
      Tools.Result r = TruncatedUnderCompiledCode.run(file, when);
      assertEquals(0, r.exitCode(), when + ": " + r.stdout() + r.stderr());
      assertTrue(r.stdout().contains(file + ": ") && r.stdout().contains("truncated"), r.stdout());
      Files.deleteIfExists(file);
    }
    assertEquals(Set.of(), Listing.names(dir));
  }

  @Test
  void theNextRunRemovesWhatAKilledRepatchLeft() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    Tools.Result child = KilledWriter.run(file, "clock");
    assertEquals(137, child.exitCode(), child.describe());
    // Left by earlier versions and by a kill at any point: named after the file.
    Files.write(dir.resolve(".counters-gcc-pie.original.123456.tmp"), new byte[100]);
    Files.write(dir.resolve(".counters-gcc-pie.a64patch.999999999.original.tmp"), new byte[100]);
    assertTrue(Listing.names(dir).size() >= 3, Listing.names(dir).toString());
    Patcher.patch(
        file,
        file,
        PatchOptions.defaults().withStrategy(Strategy.CLOCK),
        false,
        PatchWriter.Hooks.NONE);
    assertEquals(Set.of("counters-gcc-pie"), Listing.names(dir));
  }
}
