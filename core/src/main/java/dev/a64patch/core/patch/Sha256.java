package dev.a64patch.core.patch;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.a64patch.core.io.Meanwhile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CancellationException;

/**
 * SHA-256 digests, as the lowercase hex the manifest stores. Whole files go through {@link
 * #running()} (OpenSSL's code where the system has it, {@link OpenSsl}); the few kilobytes of a
 * manifest through OpenSSL's too once a whole file's digest loaded it, else through the JDK's,
 * which needs no library loaded.
 */
public final class Sha256 {
  /**
   * Set when a whole file's digest ran on OpenSSL's code in this process. Under C1 the JDK's digest
   * of a patched library's 5 KB manifest takes 3-5 ms (patch seals one and its proof checks it);
   * OpenSSL's, once loaded, a few microseconds. Loading it for a manifest alone ({@code verify})
   * would cost more than it saves.
   */
  private static volatile boolean openSslLoaded;

  private Sha256() {}

  /** A digest being computed: {@link #update} any number of times, then {@link #hex} once. */
  public interface Running extends AutoCloseable {
    /** Adds the bytes between {@code bytes}' position and limit; the buffer is not moved. */
    void update(ByteBuffer bytes);

    /** The digest of everything added; ends the computation. */
    String hex();

    /** Releases what the computation holds (OpenSSL's context), if {@link #hex} did not. */
    @Override
    void close();
  }

  /** A new digest computation, on OpenSSL's code when it is loaded, else the JDK's. */
  public static Running running() {
    boolean viaOpenSsl = OpenSsl.available();
    if (viaOpenSsl) {
      openSslLoaded = true;
    }
    return running(viaOpenSsl);
  }

  /** On OpenSSL's code (which must be loaded) or on the JDK's: tests compare the two. */
  static Running running(boolean viaOpenSsl) {
    return viaOpenSsl ? new ViaOpenSsl(ViaOpenSsl.SCRATCH) : new ViaJdk();
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The digest of a few kilobytes (a manifest): see {@link #openSslLoaded}. */
  static String of(ByteBuffer bytes) {
    return of(bytes, openSslLoaded);
  }

  /** {@link #of(ByteBuffer)} on OpenSSL's code (which must be loaded) or on the JDK's. */
  static String of(ByteBuffer bytes, boolean viaOpenSsl) {
    try (Running d =
        viaOpenSsl
            ? new ViaOpenSsl(Math.max(1, Math.min(ViaOpenSsl.SCRATCH, bytes.remaining())))
            : new ViaJdk()) {
      d.update(bytes);
      return d.hex();
    }
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
      try (Running d = running()) {
        for (int at = 0; at < b.limit(); at += CHUNK) {
          if (cancelled) {
            throw new CancellationException();
          }
          d.update(b.slice(at, Math.min(CHUNK, b.limit() - at)));
        }
        return d.hex();
      }
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

  private static final class ViaJdk implements Running {
    private final MessageDigest d = digest();

    @Override
    public void update(ByteBuffer bytes) {
      d.update(bytes.duplicate());
    }

    @Override
    public String hex() {
      return Sha256.hex(d);
    }

    @Override
    public void close() {}
  }

  /**
   * OpenSSL's EVP digest over a buffer of its own: each piece is copied there by Java first, so
   * that libcrypto never reads a mapping (see {@link OpenSsl}). 256 KiB: the copy stays in the
   * core's cache for the digest to read, and the buffer is small beside the direct-memory limit
   * when many files are hashed before a collection frees the buffers.
   */
  private static final class ViaOpenSsl implements Running {
    private static final int SCRATCH = 256 << 10;
    private final ByteBuffer scratch;
    private final Pointer scratchAddress;
    private Pointer ctx;

    /** With a buffer of {@code scratchSize} bytes: {@link #SCRATCH}, or less for a small input. */
    ViaOpenSsl(int scratchSize) {
      scratch = ByteBuffer.allocateDirect(scratchSize);
      scratchAddress = Native.getDirectBufferPointer(scratch);
      Pointer c = OpenSsl.EVP_MD_CTX_new();
      if (c != null && OpenSsl.EVP_DigestInit_ex(c, OpenSsl.EVP_sha256(), null) != 1) {
        OpenSsl.EVP_MD_CTX_free(c);
        c = null;
      }
      require(c != null);
      ctx = c;
    }

    @Override
    public void update(ByteBuffer bytes) {
      for (int at = bytes.position(); at < bytes.limit(); ) {
        int n = Math.min(scratch.capacity(), bytes.limit() - at);
        scratch.put(0, bytes, at, n);
        require(OpenSsl.EVP_DigestUpdate(ctx, scratchAddress, n) == 1);
        at += n;
      }
    }

    @Override
    public String hex() {
      byte[] md = new byte[32];
      require(OpenSsl.EVP_DigestFinal_ex(ctx, md, null) == 1);
      close();
      return HexFormat.of().formatHex(md);
    }

    @Override
    public void close() {
      if (ctx != null) {
        OpenSsl.EVP_MD_CTX_free(ctx);
        ctx = null;
      }
    }

    /** OpenSSL passed its self-test when it loaded: a failure now is not the input's fault. */
    private static void require(boolean ok) {
      if (!ok) {
        throw new IllegalStateException("OpenSSL's SHA-256 failed after passing its self-test");
      }
    }
  }
}
