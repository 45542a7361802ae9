package dev.a64patch.core.scan;

/** Why a finding is {@link Confidence#UNCERTAIN}. */
public enum Uncertainty {
  OUTSIDE_FUNCTION(
      "outside-function",
      "outside any function symbol, and no branch, address or relocation reaches it"),
  DATA_MAPPING("data-mapping", "inside a $d (data) mapping-symbol range"),
  DATA_LOAD("data-load", "read as data by a PC-relative load (a literal pool or constant table)"),
  UNREACHABLE(
      "unreachable",
      "follows an unconditional branch outside any function, and nothing reaches it"),
  SEGMENTS_ONLY("segments-only", "found via PF_X segments only: the file has no section headers"),
  UNDECODABLE("undecodable", "neighbouring words do not decode as instructions");

  private final String id;
  private final String description;

  Uncertainty(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** Stable identifier used in JSON and on the command line. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Data evidence: the word must never be rewritten, even when uncertain sites are included. */
  public boolean forbidsPatching() {
    return this == DATA_MAPPING || this == DATA_LOAD || this == UNREACHABLE;
  }
}
