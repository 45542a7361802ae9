package dev.a64patch.core.batch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The public corpus scanned as one directory must agree, file by file, with objdump run on each
 * file.
 */
class BatchCorpusTest {

  @Test
  void corpusDirectoryTotalsEqualThePerFileObjdumpOracle() {
    Corpus.libDir(); // skips, with the reason, when the corpus is not downloaded
    List<Path> elfFiles = Corpus.all();
    Path root = Corpus.root().resolve("root");
    ScanReport r = new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(root));

    Map<String, Integer> expected = new TreeMap<>();
    Map<String, java.util.Set<String>> expectedSites = new TreeMap<>();
    for (Path f : elfFiles) {
      expectedSites.put(f.toString(), BatchScannerTest.oracle(f));
      expected.put(f.toString(), expectedSites.get(f.toString()).size());
    }
    Map<String, Integer> actual = new TreeMap<>();
    for (ScanResult s : r.results()) {
      actual.put(s.file(), s.findings().size());
      assertEquals(expectedSites.get(s.file()), BatchScannerTest.sites(s), s.file());
    }
    assertEquals(
        expected,
        actual,
        "per-file counts (the report names every file by its real path, not a link)");
    long total = expected.values().stream().mapToLong(Integer::longValue).sum();
    assertEquals(total, r.findingCount());
    assertEquals(List.of(), r.problems());
    assertEquals(elfFiles.size(), r.totals().elf());
    assertTrue(total > 20, "the corpus holds dozens of reads (DPDK), found " + total);
    // Debian's library packages ship the SONAME links next to the files: each counted once.
    assertTrue(r.totals().duplicates() > 0, r.totals().toString());
  }
}
