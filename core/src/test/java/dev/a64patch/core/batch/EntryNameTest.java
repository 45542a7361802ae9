package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.testing.FuzzSeeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by fuzzing (ArchiveFuzzTest): an archive entry named {@code "li\ncounters.so"} holding a
 * damaged ELF file gave a problem message of two lines, with the entry's path repeated.
 */
class EntryNameTest {
  @Test
  void anEntryNameWithANewlineGivesAOneLineProblem(@TempDir Path dir) throws Exception {
    byte[] damaged = Arrays.copyOf(FuzzSeeds.read("libcounters-clang.so"), 100);
    Path jar = Files.write(dir.resolve("a.jar"), ArchiveFuzzTest.zip(false, "li\nb.so", damaged));
    ScanReport r = new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(jar));
    assertEquals(1, r.problems().size(), r.problems().toString());
    FileProblem p = r.problems().get(0);
    assertEquals(FailureKind.BAD_INPUT, p.kind());
    assertEquals(jar + "!/li\nb.so", p.path());
    assertTrue(p.message().startsWith(jar + "!/li\\x0ab.so: "), p.message());
    assertFalse(p.message().contains("\n"), p.message());
    assertEquals(1, p.message().split("li\\\\x0ab.so", -1).length - 1, "path named once: " + p);
  }
}
