package dev.a64patch.core.report;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of scanning a set of files: what was scanned, what was skipped or failed. Results and
 * problems are sorted by path so that output never depends on scheduling.
 *
 * @param nonElf regular files (and archive entries) met while walking that are not ELF (counted,
 *     not listed)
 * @param totals what else was met: files, directories, archives, links (see {@link ScanTotals})
 * @param entries for every reported path that is an archive entry, its archive and entry name
 */
public record ScanReport(
    List<ScanResult> results,
    List<FileProblem> problems,
    long nonElf,
    ScanTotals totals,
    Map<String, ArchiveEntry> entries) {
  public ScanReport {
    results = results.stream().sorted(Comparator.comparing(ScanResult::file)).toList();
    problems = problems.stream().sorted(Comparator.comparing(FileProblem::path)).toList();
    entries = Map.copyOf(entries);
  }

  /** A report on files named one by one (no walk): every file is either a result or a problem. */
  public ScanReport(List<ScanResult> results, List<FileProblem> problems, long nonElf) {
    this(
        results,
        problems,
        nonElf,
        new ScanTotals(results.size() + problems.size(), 0, 0, 0, results.size(), 0, 0, 0),
        Map.of());
  }

  /**
   * The same report with every path (results, problems, archive entries) renamed by {@code rename},
   * e.g. made relative to a project directory. Archive entry names inside archives are kept.
   */
  public ScanReport withPaths(java.util.function.UnaryOperator<String> rename) {
    java.util.Map<String, ArchiveEntry> renamedEntries = new java.util.HashMap<>();
    java.util.function.UnaryOperator<String> path =
        p -> entry(p).map(e -> rename(e, rename).path()).orElseGet(() -> rename.apply(p));
    entries.forEach((p, e) -> renamedEntries.put(path.apply(p), rename(e, rename)));
    List<ScanResult> r =
        results.stream()
            .map(
                x ->
                    new ScanResult(
                        path.apply(x.file()),
                        x.description(),
                        x.codeBytes(),
                        x.findings(),
                        x.notes()))
            .toList();
    List<FileProblem> q =
        problems.stream()
            .map(
                x ->
                    new FileProblem(
                        path.apply(x.path()),
                        x.kind(),
                        x.message().startsWith(x.path())
                            ? path.apply(x.path()) + x.message().substring(x.path().length())
                            : x.message()))
            .toList();
    return new ScanReport(r, q, nonElf, totals, renamedEntries);
  }

  private ArchiveEntry rename(ArchiveEntry e, java.util.function.UnaryOperator<String> rename) {
    return new ArchiveEntry(
        entry(e.archive())
            .map(outer -> rename(outer, rename).path())
            .orElseGet(() -> rename.apply(e.archive())),
        e.entry());
  }

  public long findingCount() {
    return results.stream().mapToLong(r -> r.findings().size()).sum();
  }

  public long findingCount(Confidence c) {
    return results.stream().mapToLong(r -> r.count(c)).sum();
  }

  public long filesWithFindings() {
    return results.stream().filter(r -> !r.findings().isEmpty()).count();
  }

  public Map<SysReg, Long> byRegister() {
    Map<SysReg, Long> m = new EnumMap<>(SysReg.class);
    for (ScanResult r : results) {
      for (Finding f : r.findings()) {
        m.merge(f.register(), 1L, Long::sum);
      }
    }
    return m;
  }

  public long count(FailureKind kind) {
    return problems.stream().filter(p -> p.kind() == kind).count();
  }

  /** Problems that are errors (bad input, unreadable), as opposed to files skipped on purpose. */
  public List<FileProblem> errors() {
    return problems.stream().filter(p -> p.kind() != FailureKind.SKIPPED).toList();
  }

  /** The archive and entry name when {@code path} is a file inside an archive. */
  public Optional<ArchiveEntry> entry(String path) {
    return Optional.ofNullable(entries.get(path));
  }

  /** The {@code n} files with the most reads, most first, ties by path. */
  public List<ScanResult> mostReads(int n) {
    return results.stream()
        .filter(r -> !r.findings().isEmpty())
        .sorted(
            Comparator.comparingInt((ScanResult r) -> r.findings().size())
                .reversed()
                .thenComparing(ScanResult::file))
        .limit(n)
        .toList();
  }
}
