package dev.a64patch.core.batch;

import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.scan.ScanResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one task learnt about one file on disk (and, for an archive, all its entries). Each task
 * fills its own; the batch merges them in path order once all are done, so nothing here is shared
 * between threads.
 */
final class Tally {
  final List<ScanResult> results = new ArrayList<>();
  final List<FileProblem> problems = new ArrayList<>();
  final Map<String, ArchiveEntry> entries = new HashMap<>();
  long nonElf;
  long elf;
  long archives;
  long archiveEntries;

  void merge(Tally o) {
    results.addAll(o.results);
    problems.addAll(o.problems);
    entries.putAll(o.entries);
    nonElf += o.nonElf;
    elf += o.elf;
    archives += o.archives;
    archiveEntries += o.archiveEntries;
  }
}
