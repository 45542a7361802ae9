package dev.a64patch.core.patch;

import dev.a64patch.core.Names;

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

  /** The external name ({@link Names}). */
  public String id() {
    return Names.id(this);
  }

  public static Strategy parse(String s) {
    return Names.parse(Strategy.class, s);
  }
}
