package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.elf.ElfNames;
import dev.a64patch.testing.FuzzSeeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz harness for the archive walker (docs/reliability.md): the fuzzer's bytes are saved as {@code
 * fuzz.jar} and scanned as a user-named file. Whatever the bytes, the scan returns a report (no
 * exception), every problem is one line starting with the path it is about, which lies in the
 * archive, and a damaged archive is bad input, never "unreadable" (the file itself reads fine).
 * {@code mvn verify} replays the seeds and {@code ArchiveFuzzTestInputs/walkArchive/}; {@code
 * bench/fuzz.sh archive} fuzzes.
 */
class ArchiveFuzzTest {
  private static final Path JAR = FuzzSeeds.scratch().resolve("fuzz.jar");

  /** Small entries keep each run fast; the bound is the same code as the default's. */
  private static final BatchScanner SCANNER =
      new BatchScanner(
          BatchOptions.of(ScanOptions.defaults()).withJobs(1).withMaxEntryBytes(1 << 20));

  static Stream<byte[]> seeds() throws IOException {
    byte[] so = FuzzSeeds.read("libcounters-clang.so");
    byte[] arm32 = FuzzSeeds.read("hello-arm32");
    byte[] inner = zip(false, "lib/arm64-v8a/libcounters.so", so);
    return Stream.of(
        zip(false, "lib/arm64-v8a/libcounters.so", so, "META-INF/MANIFEST.MF", "x".getBytes()),
        zip(true, "libcounters.so", so, "hello-arm32", arm32),
        zip(false, "nested.jar", inner, "deeper.zip", zip(true, "inner.jar", inner)),
        zip(false));
  }

  @MethodSource("seeds")
  @FuzzTest
  void walkArchive(byte[] input) throws IOException {
    Files.write(JAR, input);
    ScanReport report = SCANNER.scan(List.of(JAR));
    String root = JAR.toString();
    for (FileProblem p : report.problems()) {
      assertTrue(p.path().startsWith(root), "problem about another file: " + p);
      String shown = ElfNames.printable(p.path());
      assertTrue(p.message().startsWith(shown + ": "), "message does not name " + shown);
      assertFalse(p.message().contains("\n"), "multi-line message: " + p.message());
      assertNotEquals(FailureKind.UNREADABLE, p.kind(), "readable file called unreadable");
      assertNotEquals(FailureKind.INTERNAL, p.kind(), "internal error: " + p.message());
    }
    for (ScanResult r : report.results()) {
      assertTrue(r.file().startsWith(root + ArchiveEntry.SEPARATOR), "result outside: " + r);
    }
  }

  /** A zip of name/content pairs; {@code stored} writes them uncompressed. */
  static byte[] zip(boolean stored, Object... nameContent) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (int i = 0; i < nameContent.length; i += 2) {
        byte[] data = (byte[]) nameContent[i + 1];
        ZipEntry e = new ZipEntry((String) nameContent[i]);
        if (stored) {
          CRC32 crc = new CRC32();
          crc.update(data);
          e.setMethod(ZipEntry.STORED);
          e.setSize(data.length);
          e.setCrc(crc.getValue());
        }
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
