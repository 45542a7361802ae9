package dev.a64patch.core.report;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.batch.BatchOptions;
import dev.a64patch.core.batch.BatchScanner;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.testing.TestTree;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextReportTest {

  @Test
  void treeReportEndsWithTheSummaryAndListsSkippedAndBrokenFiles(@TempDir Path dir) {
    TestTree tree = TestTree.build(dir.resolve("tree"));
    ScanReport r =
        new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(tree.root()));
    StringWriter w = new StringWriter();
    TextReport.write(r, new PrintWriter(w));
    String text = w.toString();
    TestTree.Totals t = TestTree.TOTALS;
    String summary = text.substring(text.indexOf("\nSummary:\n") + 1);
    List<String> lines = summary.lines().toList();
    assertEquals("Summary:", lines.get(0));
    assertEquals(
        String.format(
            "  files:       %d seen, %d ELF, %d AArch64 scanned, %d with reads",
            t.files(), t.elf(), tree.scanned().size(), r.filesWithFindings()),
        lines.get(1));
    assertEquals(
        String.format(
            "  not scanned: %d not ELF, %d skipped, %d bad input, 0 unreadable",
            t.nonElf(), tree.skipped().size(), tree.badInput().size()),
        lines.get(2));
    assertEquals(
        String.format("  archives:    %d searched, %d entries", t.archives(), t.entries()),
        lines.get(3));
    assertEquals(
        String.format(
            "  walked:      %d directories; %d duplicate paths (links), %d links out of the tree, "
                + "%d FIFOs/devices/sockets/dangling links",
            t.directories(), t.duplicates(), t.outside(), t.notRegular()),
        lines.get(4));
    assertTrue(lines.get(5).startsWith("  reads:       " + r.findingCount() + " ("), lines.get(5));
    assertTrue(lines.get(6).startsWith("  by register: CNTVCT_EL0 "), lines.get(6));
    assertTrue(lines.get(7).startsWith("  most reads:  "), lines.get(7));
    assertTrue(lines.get(7).endsWith(r.mostReads(1).get(0).file()), lines.get(7));
    assertEquals(Math.min(5, r.filesWithFindings()) + 7, lines.size(), summary);

    for (String skipped : tree.skipped().keySet()) {
      assertTrue(text.contains("Skipped:\n") && text.contains("\n  " + skipped + ": "), skipped);
    }
    for (String bad : tree.badInput()) {
      assertTrue(text.contains("Errors:\n") && text.contains("\n  " + bad + ": "), bad);
    }
    // A walked tree lists per-file lines for files with reads only.
    assertFalse(text.contains(": no reads in "), text);
  }
}
