package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.FuzzSeeds;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for the manifest parser (docs/reliability.md): the fuzzer's bytes become the
 * manifest section of a patched PIE (appended, the section header pointed at them). Reading the
 * manifest, verify and restore each either refuse with one line naming the file, or succeed; and a
 * restore that succeeds must give back the original byte for byte, as must any file verify calls
 * ok. {@code mvn verify} replays the seeds and {@code ManifestFuzzTestInputs/manifest/}; {@code
 * bench/fuzz.sh manifest} fuzzes.
 */
class ManifestFuzzTest {
  private static final byte[] ORIGINAL = FuzzSeeds.read("counters-clang-pie");
  private static final byte[] PATCHED =
      PatchFuzzTest.patch(ORIGINAL, PatchFuzzTest.options(Strategy.COUNTER, false)).orElseThrow();
  private static final ElfSection SECTION =
      ElfFile.read(ByteBuffer.wrap(PATCHED), FuzzSeeds.NAME)
          .section(Planner.MANIFEST_SECTION)
          .orElseThrow();

  static Stream<byte[]> seeds() {
    String json =
        new String(
            Arrays.copyOfRange(
                PATCHED, (int) SECTION.offset(), (int) (SECTION.offset() + SECTION.size())),
            StandardCharsets.UTF_8);
    return Stream.of(json, json.replaceAll("\\s+", ""), "")
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  @MethodSource("seeds")
  @FuzzTest
  void manifest(byte[] input) {
    byte[] file = withManifest(input);
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(file), FuzzSeeds.NAME);
    try {
      Manifest.read(elf);
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(FuzzSeeds.NAME, e);
    }
    boolean verified = false;
    try {
      verified = Verifier.verify(elf).ok();
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(FuzzSeeds.NAME, e);
    }
    byte[] restored = null;
    try {
      restored = PatchFuzzTest.apply(file, Restorer.image(elf));
    } catch (RuntimeException e) {
      FuzzSeeds.assertDocumented(FuzzSeeds.NAME, e);
    }
    if (restored != null || verified) {
      assertArrayEquals(ORIGINAL, restored, "restore gave bytes that are not the original");
    }
  }

  /** The patched PIE with {@code manifest} appended and its section header pointing at it. */
  static byte[] withManifest(byte[] manifest) {
    byte[] out = Arrays.copyOf(PATCHED, PATCHED.length + manifest.length);
    System.arraycopy(manifest, 0, out, PATCHED.length, manifest.length);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    ElfFile elf = ElfFile.read(ByteBuffer.wrap(PATCHED), FuzzSeeds.NAME);
    int shdr = (int) (elf.header().shoff() + (long) SECTION.index() * elf.header().shentsize());
    b.putLong(shdr + 0x18, PATCHED.length); // sh_offset
    b.putLong(shdr + 0x20, manifest.length); // sh_size
    return out;
  }
}
