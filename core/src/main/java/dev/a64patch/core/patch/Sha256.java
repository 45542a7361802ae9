package dev.a64patch.core.patch;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

  static boolean isHex(String s) {
    return s != null && s.matches("[0-9a-f]{64}");
  }
}
