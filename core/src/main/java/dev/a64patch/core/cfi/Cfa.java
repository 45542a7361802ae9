package dev.a64patch.core.cfi;

import java.util.Arrays;

/**
 * The Canonical Frame Address rule: register + offset, or a DWARF expression.
 *
 * @param expression null for the register form
 */
public record Cfa(int register, long offset, byte[] expression) {
  public static Cfa of(int register, long offset) {
    return new Cfa(register, offset, null);
  }

  public static Cfa expression(byte[] expression) {
    return new Cfa(-1, 0, expression.clone());
  }

  public boolean isExpression() {
    return expression != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cfa c
        && register == c.register
        && offset == c.offset
        && Arrays.equals(expression, c.expression);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * register + Long.hashCode(offset)) + Arrays.hashCode(expression);
  }

  @Override
  public String toString() {
    return isExpression() ? "exp" + Arrays.toString(expression) : "r" + register + "+" + offset;
  }
}
