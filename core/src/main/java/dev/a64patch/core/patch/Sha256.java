package dev.a64patch.core.patch;

import dev.a64patch.core.io.Meanwhile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;

/** SHA-256 digests, as the lowercase hex the manifest stores. */
final class Sha256 {
  private Sha256() {}

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static String of(ByteBuffer bytes) {
    MessageDigest d = digest();
    d.update(bytes.duplicate());
    return hex(d);
  }

  static String of(byte[] bytes) {
    return of(ByteBuffer.wrap(bytes));
  }

  static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  /**
   * A digest computed on a thread of its own while the caller goes on: patch digests the original
   * while it scans it, so that the hash the manifest records costs no time of its own on a machine
   * with a core to spare.
   */
  static final class Pending {
    private static final int CHUNK = 1 << 20;
    private volatile boolean cancelled;
    private Meanwhile<String> digest;

    private Pending() {}

    static Pending start(ByteBuffer bytes) {
      Pending p = new Pending();
      ByteBuffer b = bytes.duplicate();
      p.digest = Meanwhile.start("sha256", () -> p.run(b));
      return p;
    }

    private String run(ByteBuffer b) {
      MessageDigest d = digest();
      for (int at = 0; at < b.limit(); at += CHUNK) {
        if (cancelled) {
          throw new CancellationException();
        }
        d.update(b.slice(at, Math.min(CHUNK, b.limit() - at)));
      }
      return hex(d);
    }

    /**
     * The digest, once computed. What the thread hit is thrown here, as it was: a fault reading a
     * mapping that another process truncated arrives as the {@link InternalError} that {@link
     * dev.a64patch.core.io.Mapped#guard} names.
     */
    String get() {
      try {
        return digest.join();
      } catch (IOException e) {
        throw new UncheckedIOException(e); // run throws none
      }
    }

    /** Stops the thread at its next chunk: the digest is not needed after all. */
    void cancel() {
      cancelled = true;
    }
  }

  static boolean isHex(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }
}
