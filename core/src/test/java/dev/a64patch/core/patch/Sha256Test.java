package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.Tools;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSSL's SHA-256 ({@link OpenSsl}) and the JDK's, through {@link Sha256#running}, against the
 * JDK's {@link MessageDigest} used plainly: on buffers of every kind and on the sizes around the
 * copy buffer's. Under {@code CI=true} libcrypto must load: .ci/run installs libssl3.
 */
class Sha256Test {
  private static final int SCRATCH = 256 << 10;

  @BeforeEach
  void loaded() {
    Tools.assumeAvailable(
        OpenSsl.available(), "OpenSSL's libcrypto did not load (CI installs libssl3)");
  }

  @Test
  void bothDigestsAreTheJdksOnEverySizeAroundTheCopyBuffer() {
    Random random = new Random(14);
    int[] sizes = {0, 1, 55, 56, 64, SCRATCH - 1, SCRATCH, SCRATCH + 1, 3 * SCRATCH + 17, 5 << 20};
    for (int size : sizes) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      String want = plain(bytes);
      for (boolean viaOpenSsl : new boolean[] {true, false}) {
        assertEquals(want, digest(viaOpenSsl, ByteBuffer.wrap(bytes)), size + " heap");
        ByteBuffer direct = ByteBuffer.allocateDirect(size).put(bytes).flip();
        assertEquals(want, digest(viaOpenSsl, direct), size + " direct");
      }
    }
  }

  @Test
  void onlyTheBytesBetweenPositionAndLimitCountAndTheBufferIsNotMoved() {
    byte[] bytes = new byte[2 * SCRATCH + 100];
    new Random(15).nextBytes(bytes);
    ByteBuffer middle = ByteBuffer.allocateDirect(bytes.length).put(bytes);
    middle.position(7).limit(bytes.length - 9);
    String want = plain(java.util.Arrays.copyOfRange(bytes, 7, bytes.length - 9));
    for (boolean viaOpenSsl : new boolean[] {true, false}) {
      try (Sha256.Running d = Sha256.running(viaOpenSsl)) {
        d.update(middle);
        assertEquals(7, middle.position());
        assertEquals(bytes.length - 9, middle.limit());
        assertEquals(want, d.hex(), "openssl " + viaOpenSsl);
      }
    }
  }

  @Test
  void piecesGiveTheDigestOfTheWhole() {
    byte[] bytes = new byte[SCRATCH * 2 + 333];
    new Random(16).nextBytes(bytes);
    try (Sha256.Running d = Sha256.running(true)) {
      for (int at = 0; at < bytes.length; at += 1000) {
        d.update(ByteBuffer.wrap(bytes, at, Math.min(1000, bytes.length - at)));
      }
      assertEquals(plain(bytes), d.hex());
    }
  }

  @Test
  void aSmallInputsDigestIsTheSameOnEitherCodeAndLeavesTheBufferWhereItWas() {
    Random random = new Random(17);
    for (int size : new int[] {0, 1, 63, 64, 4667, SCRATCH + 5}) {
      byte[] bytes = new byte[size + 4];
      random.nextBytes(bytes);
      ByteBuffer inner = ByteBuffer.wrap(bytes).position(3).limit(size + 3);
      String want = plain(java.util.Arrays.copyOfRange(bytes, 3, size + 3));
      for (boolean viaOpenSsl : new boolean[] {true, false}) {
        assertEquals(want, Sha256.of(inner, viaOpenSsl), size + " openssl " + viaOpenSsl);
        assertEquals(3, inner.position());
        assertEquals(size + 3, inner.limit());
      }
    }
  }

  @Test
  void theOriginalsDigestInAManifestIsTheFilesDigest(@TempDir Path dir) throws Exception {
    Path program = dev.a64patch.testing.TestData.bin("counters-gcc-pie");
    Path out = dir.resolve("patched");
    Patcher.patch(program, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    Manifest m = Manifest.read(dev.a64patch.elf.ElfFile.read(out)).orElseThrow();
    assertEquals(plain(Files.readAllBytes(program)), m.originalSha256());
  }

  @Test
  void aMappingCutUnderTheDigestFaultsInJavaNotInC(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("cut");
    Files.write(file, new byte[4 * SCRATCH]);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
      ch.truncate(0);
      try (Sha256.Running d = Sha256.running(true)) {
        // The JVM reports the fault asynchronously: as an InternalError at the copy or soon after.
        assertThrows(InternalError.class, () -> d.update(mapped));
      }
    }
  }

  private static String digest(boolean viaOpenSsl, ByteBuffer bytes) {
    try (Sha256.Running d = Sha256.running(viaOpenSsl)) {
      d.update(bytes);
      return d.hex();
    }
  }

  private static String plain(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
