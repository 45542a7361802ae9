package dev.a64patch.core.scan;

import java.util.EnumSet;
import java.util.Set;

/**
 * @param registers which reads count as findings
 * @param contextLines instructions of disassembly to attach before and after each site (0 = none)
 */
public record ScanOptions(Set<SysReg> registers, int contextLines) {
  public ScanOptions {
    if (registers.isEmpty()) {
      throw new IllegalArgumentException("no registers selected");
    }
    if (contextLines < 0) {
      throw new IllegalArgumentException("context must be >= 0, was " + contextLines);
    }
    registers = Set.copyOf(EnumSet.copyOf(registers));
  }

  public static ScanOptions defaults() {
    return new ScanOptions(SysReg.all(), 0);
  }

  public ScanOptions withContext(int lines) {
    return new ScanOptions(registers, lines);
  }
}
