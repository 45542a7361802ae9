package dev.a64patch.testing;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.List;
import keystone.Keystone;
import keystone.KeystoneArchitecture;
import keystone.KeystoneError;
import keystone.KeystoneMode;
import keystone.natives.DirectMappingKeystoneNative;

/**
 * Keystone as an independent assembler. Calls {@code ks_asm} through the binding's public native
 * mapping because {@code Keystone.assemble(text, int)} sign-extends a 32-bit address, and B/ADRP
 * must be assembled at their real 64-bit address.
 *
 * <p>Known Keystone 0.9 quirks the callers work around: no LSE ({@code ldadd}); {@code .inst} emits
 * nothing; a line it refuses for a semantic reason (e.g. {@code ldp x1, x1, [sp]}) can make the
 * whole call return no bytes and no error, which {@link #assemble} reports; {@code b} out of range
 * wraps silently instead of failing; an ADRP at exactly -4 GiB is refused when the pc is not page
 * aligned (the word only depends on the pc's page).
 */
public final class KeystoneOracle implements AutoCloseable {
  private final Keystone keystone;
  private final Pointer engine;

  private KeystoneOracle(Keystone keystone, Pointer engine) {
    this.keystone = keystone;
    this.engine = engine;
  }

  /**
   * Opens an AArch64 little-endian engine, or skips the calling test when Keystone cannot load
   * here.
   */
  public static KeystoneOracle open() {
    Keystone k;
    try {
      k = new Keystone(KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian);
    } catch (LinkageError | RuntimeException e) {
      Tools.assumeAvailable(
          false,
          "Keystone native library not available on " + System.getProperty("os.arch") + ": " + e);
      throw new AssertionError(e);
    }
    PointerByReference ref = new PointerByReference();
    KeystoneError err =
        DirectMappingKeystoneNative.ks_open(
            KeystoneArchitecture.Arm64, KeystoneMode.LittleEndian, ref);
    if (err != KeystoneError.Ok) {
      k.close();
      throw new AssertionError("ks_open: " + err);
    }
    return new KeystoneOracle(k, ref.getValue());
  }

  /**
   * The bytes Keystone assembles from {@code text} placed at {@code address}; throws when it
   * refuses.
   */
  public byte[] assembleBytes(String text, long address) {
    PointerByReference encoding = new PointerByReference();
    IntByReference size = new IntByReference();
    IntByReference count = new IntByReference();
    int rc = DirectMappingKeystoneNative.ks_asm(engine, text, address, encoding, size, count);
    if (rc != 0) {
      throw new IllegalArgumentException(
          "Keystone refused `"
              + text
              + "` at 0x"
              + Long.toHexString(address)
              + ": "
              + DirectMappingKeystoneNative.ks_errno(engine));
    }
    Pointer p = encoding.getValue();
    try {
      return p == null || size.getValue() == 0 ? new byte[0] : p.getByteArray(0, size.getValue());
    } finally {
      if (p != null) {
        DirectMappingKeystoneNative.ks_free(p);
      }
    }
  }

  /** The one instruction word Keystone assembles from {@code text} at {@code address}. */
  public int assemble(String text, long address) {
    byte[] b = assembleBytes(text, address);
    if (b.length != 4) {
      throw new IllegalArgumentException(
          "Keystone gave "
              + b.length
              + " bytes for `"
              + text
              + "` at 0x"
              + Long.toHexString(address));
    }
    return word(b, 0);
  }

  /**
   * Assembles {@code lines} in one call (one call costs ~170 us, one more line ~10 us), the i-th
   * line at {@code address + 4 i}. Throws when Keystone does not give exactly one word per line, so
   * the caller can fall back to line-by-line calls to name the culprit.
   */
  public int[] assembleAll(List<String> lines, long address) {
    byte[] b = assembleBytes(String.join("\n", lines), address);
    if (b.length != 4 * lines.size()) {
      throw new IllegalArgumentException(
          "Keystone gave " + b.length + " bytes for " + lines.size() + " lines");
    }
    int[] out = new int[lines.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = word(b, 4 * i);
    }
    return out;
  }

  static int word(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }

  @Override
  public void close() {
    DirectMappingKeystoneNative.ks_close(engine);
    keystone.close();
  }
}
