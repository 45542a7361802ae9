package dev.a64patch.core.patch;

import dev.a64patch.core.Names;

/**
 * How RNDR/RNDRRS reads are replaced, when the user asks for it (they are only reported by
 * default).
 */
public enum RndrMode {
  /** Left alone (reported by scan). */
  OFF,
  /** A fixed sequence: a per-object atomic counter scrambled by an odd multiplier; NZCV cleared. */
  DETERMINISTIC,
  /** getrandom(2) through a raw svc (recorded by rr); NZCV cleared. */
  GETRANDOM;

  /** The external name ({@link Names}). */
  public String id() {
    return Names.id(this);
  }

  public static RndrMode parse(String s) {
    return Names.parse(RndrMode.class, s);
  }
}
