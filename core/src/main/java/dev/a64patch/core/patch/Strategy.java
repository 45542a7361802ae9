package dev.a64patch.core.patch;

import java.util.Locale;

/** What a patched counter read yields. Trade-offs are documented in docs/strategies.md. */
public enum Strategy {
  /**
   * A per-object virtual counter in RW memory, advanced atomically (LSE) by a fixed step per read.
   */
  COUNTER,
  /** clock_gettime(CLOCK_MONOTONIC) through a raw svc, scaled to ticks of a nominal frequency. */
  CLOCK,
  /** In place: {@code movz xt, #0}. Time stands still; spin-waits on the counter never end. */
  ZERO,
  /**
   * In place: {@code nop}. xt keeps whatever it held (the original diagnosis of the rr divergence).
   */
  NOP;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Strategy parse(String s) {
    return valueOf(s.trim().toUpperCase(Locale.ROOT));
  }
}
