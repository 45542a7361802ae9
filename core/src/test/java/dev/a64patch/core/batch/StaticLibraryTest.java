package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static libraries: binutils ar builds one from the committed relocatable objects; each member's
 * reads are reported under {@code lib.a!/member.o} and equal what objdump shows for that object.
 */
class StaticLibraryTest {
  @TempDir Path dir;

  Path archive(String... members) throws IOException {
    Path lib = dir.resolve("libcounters.a");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(Tools.require("aarch64-linux-gnu-ar").toString(), "rcD", lib.toString()));
    for (String m : members) {
      Path copy = dir.resolve(m);
      Files.copy(TestData.bin(m), copy);
      cmd.add(copy.toString());
    }
    Tools.Result r = Tools.run(cmd, Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    return lib;
  }

  @Test
  void readsAreReportedPerMember() throws IOException {
    Path lib = archive("counters_asm.o", "counters.o");
    ScanReport r = BatchScannerTest.scan(BatchScannerTest.OPTIONS, lib);
    assertEquals(List.of(), r.problems());
    Map<String, ScanResult> byPath =
        r.results().stream().collect(Collectors.toMap(ScanResult::file, Function.identity()));
    assertEquals(java.util.Set.of(lib + "!/counters_asm.o", lib + "!/counters.o"), byPath.keySet());
    for (String m : List.of("counters_asm.o", "counters.o")) {
      ScanResult member = byPath.get(lib + "!/" + m);
      assertEquals(
          BatchScannerTest.oracle(TestData.bin(m)),
          BatchScannerTest.sites(member),
          m + " in the archive vs objdump of " + m);
      assertEquals(lib.toString(), r.entry(member.file()).orElseThrow().archive());
    }
    assertFalse(byPath.get(lib + "!/counters_asm.o").findings().isEmpty());
  }

  @Test
  void aMemberNamedTwiceGetsItsOwnPath() throws IOException {
    Path lib = archive("counters_asm.o");
    Tools.Result r =
        Tools.run(
            List.of(
                Tools.require("aarch64-linux-gnu-ar").toString(),
                "qD",
                lib.toString(),
                dir.resolve("counters_asm.o").toString()),
            Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    ScanReport report = BatchScannerTest.scan(BatchScannerTest.OPTIONS, lib);
    assertEquals(
        java.util.Set.of(lib + "!/counters_asm.o", lib + "!/counters_asm.o;2"),
        report.results().stream().map(ScanResult::file).collect(Collectors.toSet()));
  }

  @Test
  void truncatedArchiveIsOneBadInputProblem() throws IOException {
    Path lib = archive("counters_asm.o");
    byte[] all = Files.readAllBytes(lib);
    Path cut = Files.write(dir.resolve("cut.a"), java.util.Arrays.copyOf(all, all.length / 2));
    ScanReport r = BatchScannerTest.scan(BatchScannerTest.OPTIONS, cut);
    assertEquals(1, r.problems().size(), r.problems().toString());
    assertEquals(FailureKind.BAD_INPUT, r.problems().get(0).kind());
    assertTrue(
        r.problems().get(0).message().startsWith(cut + ": member at offset 0x"),
        r.problems().get(0).message());
    assertTrue(r.results().isEmpty());
  }
}
