package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.FuzzSeeds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for the manifest parser (docs/reliability.md): the fuzzer's bytes become the
 * manifest section of a patched PIE (appended, the section header pointed at them). Reading the
 * manifest, verify and restore (through {@link Patcher#restore}, on a file in a private directory)
 * each either refuse with a documented failure in one line, or succeed; a restore that succeeds
 * must give back the original byte for byte, and so must any file verify calls ok. {@code mvn
 * verify} replays the seeds and {@code ManifestFuzzTestInputs/manifest/}; {@code bench/fuzz.sh
 * manifest} fuzzes.
 */
class ManifestFuzzTest {
  private static final Path DIR = FuzzSeeds.scratch();
  private static final Path FILE = DIR.resolve("patched.elf");
  private static final Path BACK = DIR.resolve("back.elf");
  private static final byte[] ORIGINAL = FuzzSeeds.read("counters-clang-pie");
  private static final byte[] PATCHED = patched();
  private static final ElfSection SECTION =
      ElfFile.read(ByteBuffer.wrap(PATCHED), "patched")
          .section(Planner.MANIFEST_SECTION)
          .orElseThrow();

  static Stream<byte[]> seeds() {
    String json =
        new String(
            Arrays.copyOfRange(
                PATCHED, (int) SECTION.offset(), (int) (SECTION.offset() + SECTION.size())),
            StandardCharsets.UTF_8);
    return Stream.of(json, json.replaceAll("\\s+", ""), "{}", "")
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  @MethodSource("seeds")
  @FuzzTest
  void manifest(byte[] input) throws IOException {
    Files.write(FILE, withManifest(input));
    Files.deleteIfExists(BACK);
    ElfFile elf = ElfFile.read(FILE);
    try {
      Manifest.read(elf);
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(e, FILE.toString());
    }
    boolean verified = false;
    try {
      verified = Verifier.verify(elf).ok();
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(e, FILE.toString());
    }
    boolean restored = false;
    try {
      Patcher.restore(FILE, BACK, PatchWriter.Hooks.NONE);
      restored = true;
    } catch (IOException | RuntimeException e) {
      FuzzSeeds.assertDocumented(e, FILE.toString(), BACK.toString());
      assertTrue(!Files.exists(BACK), "a refused restore left output");
    }
    if (restored || verified) {
      assertTrue(restored, "verify calls the file ok but restore refuses it");
      assertArrayEquals(ORIGINAL, Files.readAllBytes(BACK), "restore gave wrong bytes");
    }
  }

  private static byte[] patched() {
    try {
      Path in = DIR.resolve("original.elf");
      Files.write(in, ORIGINAL);
      Patcher.patch(
          in, FILE, PatchFuzzTest.options(Strategy.COUNTER, false), false, PatchWriter.Hooks.NONE);
      Files.delete(in);
      return Files.readAllBytes(FILE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The patched PIE with {@code manifest} appended and its section header pointing at it. */
  static byte[] withManifest(byte[] manifest) {
    byte[] out = Arrays.copyOf(PATCHED, PATCHED.length + manifest.length);
    System.arraycopy(manifest, 0, out, PATCHED.length, manifest.length);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(PATCHED), "patched");
    int shdr = (int) (elf.header().shoff() + (long) SECTION.index() * elf.header().shentsize());
    b.putLong(shdr + 0x18, PATCHED.length); // sh_offset
    b.putLong(shdr + 0x20, manifest.length); // sh_size
    return out;
  }
}
