package dev.a64patch.core.failure;

import java.util.List;

/**
 * A setting that would let a refused file through: {@code verb} (a plain phrase such as "allow it
 * with"), the setting, and the values to choose from ({@code OUT_OF_RANGE}: skip, zero, nop; {@code
 * MAX_PADDING}: the padding the file needs). Front ends word the setting their own way.
 */
public record Remedy(String verb, Setting setting, List<String> values) {
  public Remedy {
    values = List.copyOf(values);
  }

  public static Remedy of(String verb, Setting setting, String... values) {
    return new Remedy(verb, setting, List.of(values));
  }
}
