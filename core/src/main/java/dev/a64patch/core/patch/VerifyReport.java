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
 * @param unwind how the trampolines unwind; null when the file is not patched
 */
public record VerifyReport(
    String file,
    boolean patched,
    int sites,
    List<String> problems,
    List<String> notes,
    List<String> unpatched,
    Unwind unwind) {

  /**
   * Where the trampolines' unwind rules come from: {@code site} (the site's CFI, exact), {@code
   * prologue} (no CFI; read from the function's straight-line prologue), {@code assumed} (no CFI;
   * the function's entry state), {@code none} (no unwind information).
   */
  public record Unwind(int trampolines, int site, int prologue, int assumed, int none) {}

  public VerifyReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
    unpatched = List.copyOf(unpatched);
  }

  public VerifyReport(
      String file, boolean patched, int sites, List<String> problems, List<String> notes) {
    this(file, patched, sites, problems, notes, List.of(), null);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
