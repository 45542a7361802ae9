package dev.a64patch.core.patch;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 from the system's OpenSSL (libcrypto), through JNA: the JDK's SHA-256 reaches the speed
 * of the CPU's SHA instructions only once C2 compiles it, and the launcher runs C1 alone, where a
 * 140 MB library takes about 1 s to hash against 0.08 s here (docs/performance.md, "Seventh
 * round"). Where libcrypto is missing, refuses the self-test, or the system property {@value
 * #PROPERTY} says {@code java}, {@link #available()} is false and the JDK's digest runs, with the
 * same results.
 *
 * <p>libcrypto reads only a buffer of its own that Java filled: a file another process truncates
 * under its mapping then faults in Java's copy, where {@link dev.a64patch.core.io.Mapped#guard}
 * names it, never inside C (a fault there would end the JVM).
 */
final class OpenSsl {
  /** The system property that turns the library off: {@code -Da64patch.sha256=java}. */
  static final String PROPERTY = "a64patch.sha256";

  /** The sonames tried, newest first: OpenSSL 3, then 1.1 (the EVP calls used are in both). */
  private static final List<String> NAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1");

  private static final boolean LOADED = load();

  private OpenSsl() {}

  static boolean available() {
    return LOADED;
  }

  private static boolean load() {
    if ("java".equals(System.getProperty(PROPERTY))) {
      return false;
    }
    for (String name : NAMES) {
      try {
        Native.register(OpenSsl.class, NativeLibrary.getInstance(name));
        return selfTest();
      } catch (LinkageError | RuntimeException e) {
        // not this soname (or JNA cannot load at all): the next, else the JDK's digest
      }
    }
    return false;
  }

  /**
   * The digest of "abc" from FIPS 180-2, appendix B.1: a library that loads but cannot digest (a
   * provider configuration that refuses SHA-256) is not used.
   */
  private static boolean selfTest() {
    Pointer ctx = EVP_MD_CTX_new();
    if (ctx == null) {
      return false;
    }
    try {
      ByteBuffer abc = ByteBuffer.allocateDirect(3).put(new byte[] {'a', 'b', 'c'});
      byte[] md = new byte[32];
      return EVP_DigestInit_ex(ctx, EVP_sha256(), null) == 1
          && EVP_DigestUpdate(ctx, Native.getDirectBufferPointer(abc), 3) == 1
          && EVP_DigestFinal_ex(ctx, md, null) == 1
          && HexFormat.of()
              .formatHex(md)
              .equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    } finally {
      EVP_MD_CTX_free(ctx);
    }
  }

  static native Pointer EVP_MD_CTX_new();

  static native void EVP_MD_CTX_free(Pointer ctx);

  static native Pointer EVP_sha256();

  static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

  static native int EVP_DigestUpdate(Pointer ctx, Pointer data, long count);

  static native int EVP_DigestFinal_ex(Pointer ctx, byte[] md, Pointer size);
}
