package dev.a64patch.core.failure;

import java.util.List;

/**
 * A setting that would let a refused file through: {@code verb} (a plain phrase such as "allow it
 * with"), the setting, and the values to choose from ({@code OUT_OF_RANGE}: skip, zero, nop; {@code
 * MAX_PADDING}: the padding the file needs). Front ends word the setting their own way.
 *
 * <p>Advice must lead to a run that succeeds: when one setting alone would only lead to the next
 * refusal, the remedy names every setting needed, chained with {@link #and}.
 *
 * @param next a further setting needed as well, or null
 */
public record Remedy(String verb, Setting setting, List<String> values, Remedy next) {
  public Remedy {
    values = List.copyOf(values);
  }

  public static Remedy of(String verb, Setting setting, String... values) {
    return new Remedy(verb, setting, List.of(values), null);
  }

  /** This remedy and then {@code more}: both settings are needed. */
  public Remedy and(Remedy more) {
    return new Remedy(verb, setting, values, next == null ? more : next.and(more));
  }
}
