package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.Failures;
import dev.a64patch.testing.Listing;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure anywhere while writing leaves the input untouched and no stray files (docs/design.md
 * section 9).
 */
class FaultTest {
  @TempDir Path dir;

  @Test
  void writeErrorHalfwayLeavesTheInputAndNothingElse() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] before = Files.readAllBytes(file);
    for (long budget : new long[] {0, 100, 4096, before.length + 10}) {
      PatchWriter.Hooks failing = FailingChannel.hooks(c -> new FailingChannel(c, budget));
      IOException e =
          assertThrows(
              IOException.class,
              () -> Patcher.patch(file, file, PatchOptions.defaults(), false, failing));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
      // Issue: ENOSPC said "No space left on device" without naming the file.
      assertEquals(
          file
              + ": cannot write the result (No space left on device (injected)); nothing was changed",
          Failures.describe(e));
      assertArrayEquals(
          before, Files.readAllBytes(file), "input changed after a failure at byte " + budget);
      assertEquals(
          Set.of("counters-gcc-pie"),
          Listing.names(dir),
          "stray files after a failure at byte " + budget);
    }
  }

  /**
   * The fsync runs while the proof reads the result back (docs/performance.md, "Fifth round"): its
   * failure must still fail the write, after a proof that passed.
   */
  @Test
  void fsyncFailureDuringTheProofLeavesTheInputAndNothingElse() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] before = Files.readAllBytes(file);
    PatchWriter.Hooks failing = FailingChannel.hooks(FailingChannel::atFsync);
    IOException e =
        assertThrows(
            IOException.class,
            () -> Patcher.patch(file, file, PatchOptions.defaults(), false, failing));
    assertEquals(
        file
            + ": cannot write the result (Input/output error (injected at fsync)); nothing was"
            + " changed",
        Failures.describe(e));
    assertLeftAsItWas(file, before);
  }

  /**
   * A failure right after the temporary file is created, when it is opened for writing, leaves
   * nothing behind (a version that created it before planning, to copy the original into it
   * meanwhile, left it there).
   */
  @Test
  void failureRightAfterTheTemporaryFileIsCreatedLeavesNothing() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    byte[] before = Files.readAllBytes(file);
    PatchWriter.Hooks failing =
        FailingChannel.hooks(
            c -> {
              throw new UncheckedIOException(new IOException("injected"));
            });
    assertThrows(
        UncheckedIOException.class,
        () -> Patcher.patch(file, dir.resolve("out"), PatchOptions.defaults(), false, failing));
    assertLeftAsItWas(file, before);
  }

  @Test
  void failureAfterTheWriteBeforeTheRenameLeavesTheInput() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    byte[] before = Files.readAllBytes(file);
    PatchWriter.Hooks failing =
        new PatchWriter.Hooks() {
          @Override
          public void written(Path temporary) throws IOException {
            throw new IOException("Input/output error (injected)");
          }
        };
    assertThrows(
        IOException.class,
        () -> Patcher.patch(file, file, PatchOptions.defaults(), false, failing));
    assertLeftAsItWas(file, before);
  }

  @Test
  void unwritableDirectoryIsRefusedWithoutChanges() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] before = Files.readAllBytes(file);
    boolean root = Tools.isRoot();
    if (root) {
      // Permission bits do not stop root; the immutable attribute does (ext4 and most local
      // filesystems).
      Tools.assumeAvailable(
          Tools.which("chattr").isPresent(), "running as root without chattr (e2fsprogs)");
      Tools.Result r = Tools.run(List.of("chattr", "+i", dir.toString()), Duration.ofSeconds(10));
      Tools.assumeAvailable(
          r.exitCode() == 0,
          "running as root and cannot make the directory immutable: " + r.stderr());
    } else {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    }
    try {
      IOException e =
          assertThrows(
              IOException.class,
              () ->
                  Patcher.patch(
                      file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(file));
    } finally {
      if (root) {
        Tools.run(List.of("chattr", "-i", dir.toString()), Duration.ofSeconds(10));
      } else {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    }
    assertEquals(Set.of("counters-gcc-pie"), Listing.names(dir));
  }

  @Test
  void processKilledBetweenWriteAndRenameLeavesTheInputAndTheNextRunCleansUp() throws Exception {
    Path file = TestData.copy("counters-gcc-pie", dir);
    byte[] before = Files.readAllBytes(file);
    Tools.Result child = KilledWriter.run(file);
    assertEquals(137, child.exitCode(), child.describe());
    assertTrue(child.stdout().startsWith("written "), child.describe());
    assertArrayEquals(
        before, Files.readAllBytes(file), "killed before the rename: the input is as it was");
    assertEquals(
        2,
        Listing.names(dir).size(),
        "the killed run's temporary file is still there: " + Listing.names(dir));

    Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(
        Set.of("counters-gcc-pie"),
        Listing.names(dir),
        "the next run removed the dead run's temporary file");
    assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(file)));
  }

  @Test
  void patchingThroughASymlinkPatchesTheTargetAndKeepsTheLink() throws Exception {
    Path real = TestData.copy("libcounters.so", dir);
    Path link = Files.createSymbolicLink(dir.resolve("libcounters.so.1"), real.getFileName());
    Patcher.patch(link, link, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
    assertTrue(
        Manifest.read(dev.a64patch.elf.ElfFile.read(real)).isPresent(),
        "the file it points to is patched");
    Patcher.restore(link, link, PatchWriter.Hooks.NONE);
    assertTrue(Files.isSymbolicLink(link));
    assertEquals(-1, Files.mismatch(real, TestData.bin("libcounters.so")));
    assertEquals(Set.of("libcounters.so", "libcounters.so.1"), Listing.names(dir));
  }

  @Test
  void inPlacePatchKeepsModeAndAProcessHoldingTheOldFileKeepsItsInode() throws Exception {
    Path file = TestData.copy("libcounters.so", dir);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r-xr-x---"));
    Object inodeBefore =
        Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    try (FileChannel open = FileChannel.open(file)) {
      Patcher.patch(file, file, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
      assertEquals("r-xr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertNotEquals(
          inodeBefore,
          Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
          "rename gives the path a new inode");
      assertEquals(
          Files.size(TestData.bin("libcounters.so")),
          open.size(),
          "the open handle still sees the old file");
    }
  }

  /** {@code file} holds {@code before} still, and nothing else is left in its folder. */
  private void assertLeftAsItWas(Path file, byte[] before) throws IOException {
    assertArrayEquals(before, Files.readAllBytes(file), "the input changed");
    assertEquals(Set.of(file.getFileName().toString()), Listing.names(dir), "stray files");
  }
}
