package dev.a64patch.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one external spelling of an enum value, used by the command line, the Maven plugin, the
 * reports and the manifest alike: lower case, words joined by hyphens ({@code IN_PLACE} is {@code
 * in-place}). Parsing also takes the constant's own spelling ({@code in_place}, {@code IN_PLACE}),
 * which manifests written before this rule use.
 */
public final class Names {
  private Names() {}

  public static String id(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String text) {
    String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(key)) {
        return e;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not one of " + choices(type));
  }

  /** "counter, clock, zero, nop" */
  public static String choices(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(Names::id).collect(Collectors.joining(", "));
  }
}
