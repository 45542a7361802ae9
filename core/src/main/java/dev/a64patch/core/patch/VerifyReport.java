package dev.a64patch.core.patch;

import java.util.List;

/**
 * What {@code verify} found in one file.
 *
 * @param patched whether the file carries an a64patch manifest
 * @param sites sites recorded in the manifest (0 when not patched)
 * @param problems rule violations; empty means the file passed
 * @param notes remarks that are not failures (skipped sites, checks that could not run)
 * @param unpatched reads the recorded options select that were left unpatched (out of reach,
 *     uncertain): the file is well formed, but such a read still varies under rr; {@code verify}
 *     fails on them unless {@code --allow-unpatched}
 */
public record VerifyReport(
    String file,
    boolean patched,
    int sites,
    List<String> problems,
    List<String> notes,
    List<String> unpatched) {
  public VerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
    unpatched = List.copyOf(unpatched);
  }

  public VerifyReport(
      String file, boolean patched, int sites, List<String> problems, List<String> notes) {
    this(file, patched, sites, problems, notes, List.of());
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
