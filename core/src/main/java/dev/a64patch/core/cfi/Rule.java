package dev.a64patch.core.cfi;

import java.util.Arrays;

/** How to recover a register of the caller's frame (DWARF 5 §6.4.1 register rules). */
public sealed interface Rule {
  /** The register's value is lost. */
  record Undefined() implements Rule {}

  /** The register still holds the caller's value. */
  record SameValue() implements Rule {}

  /** Saved at CFA + offset. */
  record Offset(long offset) implements Rule {}

  /** The value is CFA + offset. */
  record ValOffset(long offset) implements Rule {}

  /** Saved in another register. */
  record Register(int register) implements Rule {}

  /** Saved at the address a DWARF expression computes (with the CFA pushed first). */
  record Expression(byte[] expression) implements Rule {
    @Override
    public boolean equals(Object o) {
      return o instanceof Expression e && Arrays.equals(expression, e.expression);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(expression);
    }

    @Override
    public String toString() {
      return "Expression" + Arrays.toString(expression);
    }
  }

  /** The value is what a DWARF expression computes. */
  record ValExpression(byte[] expression) implements Rule {
    @Override
    public boolean equals(Object o) {
      return o instanceof ValExpression e && Arrays.equals(expression, e.expression);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(expression);
    }

    @Override
    public String toString() {
      return "ValExpression" + Arrays.toString(expression);
    }
  }
}
