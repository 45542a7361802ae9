package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A patched file's bytes and where its manifest section lies, for the tests that damage or forge
 * the manifest: each damaged copy is the file with another manifest of the same size.
 */
final class PatchedFile {
  private final byte[] bytes;
  private final int manifestOffset;
  private final int manifestSize;

  private PatchedFile(byte[] bytes, int manifestOffset, int manifestSize) {
    this.bytes = bytes;
    this.manifestOffset = manifestOffset;
    this.manifestSize = manifestSize;
  }

  static PatchedFile read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ElfSection s = ElfFile.read(file).section(Planner.MANIFEST_SECTION).orElseThrow();
    return new PatchedFile(bytes, (int) s.offset(), (int) s.size());
  }

  /** A copy of the whole file. */
  byte[] bytes() {
    return bytes.clone();
  }

  int manifestSize() {
    return manifestSize;
  }

  /** The manifest section's bytes, padding included. */
  byte[] manifest() {
    return Arrays.copyOfRange(bytes, manifestOffset, manifestOffset + manifestSize);
  }

  /** JSON shorter than the section, padded with spaces (still valid JSON). */
  byte[] pad(byte[] json) {
    assertTrue(json.length <= manifestSize, "mutant longer than the manifest section");
    byte[] b = new byte[manifestSize];
    Arrays.fill(b, (byte) ' ');
    System.arraycopy(json, 0, b, 0, json.length);
    return b;
  }

  /** Writes the file with {@code manifest}, as long as the section, in place of its own. */
  Path withManifest(byte[] manifest, Path to) throws IOException {
    assertEquals(manifestSize, manifest.length);
    byte[] b = bytes();
    System.arraycopy(manifest, 0, b, manifestOffset, manifest.length);
    Files.write(to, b);
    return to;
  }
}
