package dev.a64patch.core.scan;

/** How sure the scanner is that a matching word is an instruction that executes. */
public enum Confidence {
  /** Inside a function symbol, in code, with a neighbourhood that decodes as instructions. */
  HIGH,
  /**
   * At least one {@link Uncertainty} applies; {@code patch} leaves such sites alone unless asked.
   */
  UNCERTAIN;

  public String label() {
    return dev.a64patch.core.Names.id(this);
  }
}
