package dev.a64patch.core.batch;

import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import java.util.EnumSet;
import java.util.Set;

/**
 * The CI gate: which findings make a build fail. A finding matches when it reads one of {@code
 * registers} and, unless {@code includeUncertain}, the scanner is sure of it.
 */
public record FindingGate(Set<SysReg> registers, boolean includeUncertain) {
  public FindingGate {
    if (registers.isEmpty()) {
      throw new IllegalArgumentException("a gate needs at least one register");
    }
    registers = Set.copyOf(EnumSet.copyOf(registers));
  }

  public boolean matches(Finding f) {
    return registers.contains(f.register())
        && (includeUncertain || f.confidence() == Confidence.HIGH);
  }

  /** How many findings of the report match. */
  public long count(ScanReport report) {
    long n = 0;
    for (ScanResult r : report.results()) {
      n += r.findings().stream().filter(this::matches).count();
    }
    return n;
  }
}
