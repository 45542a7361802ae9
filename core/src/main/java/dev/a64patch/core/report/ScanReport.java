package dev.a64patch.core.report;

import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of scanning a set of files: what was scanned, what was skipped or failed.
 * Results and problems are sorted by path so that output never depends on scheduling.
 *
 * @param nonElf regular files met while walking directories that are not ELF (counted, not listed)
 */
public record ScanReport(List<ScanResult> results, List<FileProblem> problems, long nonElf) {
    public ScanReport {
        results = results.stream().sorted((a, b) -> a.file().compareTo(b.file())).toList();
        problems = problems.stream().sorted((a, b) -> a.path().compareTo(b.path())).toList();
    }

    public long findingCount() {
        return results.stream().mapToLong(r -> r.findings().size()).sum();
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

    public boolean has(FileProblem.Kind kind) {
        return problems.stream().anyMatch(p -> p.kind() == kind);
    }
}
