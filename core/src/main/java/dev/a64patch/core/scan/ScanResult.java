package dev.a64patch.core.scan;

import java.util.List;

/**
 * Everything {@code scan} learnt about one file.
 *
 * @param file the file as named by the caller
 * @param description e.g. "ELF64 LSB DYN AArch64"
 * @param codeBytes bytes of executable code examined
 * @param findings sorted by file offset
 * @param notes remarks about the whole file (e.g. no section headers)
 */
public record ScanResult(
    String file, String description, long codeBytes, List<Finding> findings, List<String> notes) {
  public ScanResult {
    findings = List.copyOf(findings);
    notes = List.copyOf(notes);
  }

  public long count(Confidence c) {
    return findings.stream().filter(f -> f.confidence() == c).count();
  }
}
