package dev.a64patch.core.patch;

import java.util.List;

/**
 * What {@code verify} found in one file.
 *
 * @param patched whether the file carries an a64patch manifest
 * @param sites sites recorded in the manifest (0 when not patched)
 * @param problems rule violations; empty means the file passed
 * @param notes remarks that are not failures (skipped sites, checks that could not run)
 */
public record VerifyReport(
    String file, boolean patched, int sites, List<String> problems, List<String> notes) {
  public VerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
