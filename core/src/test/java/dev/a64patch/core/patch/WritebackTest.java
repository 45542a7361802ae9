package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Writeback} starts the writeback of a file it can open, changes nothing in it, and says
 * false (without an exception) for one it cannot. Under {@code CI=true} (Linux, glibc) the call
 * must be there.
 */
class WritebackTest {
  @TempDir Path dir;

  @Test
  void startsOnAFileItCanOpenAndSaysFalseOtherwise() throws Exception {
    Path file = dir.resolve("f");
    byte[] bytes = new byte[1 << 20];
    bytes[12345] = 7;
    Files.write(file, bytes);
    boolean started = Writeback.start(file);
    Tools.assumeAvailable(started, "sync_file_range could not be called (not Linux/glibc?)");
    assertArrayEquals(bytes, Files.readAllBytes(file));
    assertFalse(Writeback.start(dir.resolve("missing")));
  }
}
