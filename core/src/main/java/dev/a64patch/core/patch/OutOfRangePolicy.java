package dev.a64patch.core.patch;

import dev.a64patch.core.Names;

/** What happens to a site whose trampoline is beyond the ±128 MiB reach of {@code B}. */
public enum OutOfRangePolicy {
  /** Refuse to patch the file (the default): nothing is written. */
  FAIL,
  /** Leave the read unpatched and report it. */
  SKIP,
  /** Rewrite the read in place to {@code movz xt, #0}. */
  ZERO,
  /** Rewrite the read in place to {@code nop}. */
  NOP;

  /** The external name ({@link Names}). */
  public String id() {
    return Names.id(this);
  }

  public static OutOfRangePolicy parse(String s) {
    return Names.parse(OutOfRangePolicy.class, s);
  }
}
