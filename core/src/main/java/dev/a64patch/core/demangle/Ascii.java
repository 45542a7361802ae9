package dev.a64patch.core.demangle;

/** ASCII-only character classes; the mangling grammar is defined over ASCII, not Unicode. */
final class Ascii {

  private Ascii() {}

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}
