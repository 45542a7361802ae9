package dev.a64patch.core.demangle;

/**
 * The substitution candidates seen so far, addressed by {@code S_} (first), {@code S0_} (second),
 * {@code S1_}, ... ("seq-id" in base 36 with digits and upper-case letters).
 *
 * <p>The ABI (compression): "Logically, the substitutable components of a mangled name are
 * considered left-to- right, components before the composite structure of which they are a part."
 * The parsers add candidates in exactly that order; getting one add wrong shifts every later
 * reference.
 */
final class SubstitutionTable {

  /**
   * An ABI abbreviation ({@code St}, {@code Sa}, ...). c++filt runs with DMGL_VERBOSE, so it prints
   * the full expansion ({@code Ss} as {@code std::basic_string<char, ...>}), and a following
   * constructor or destructor is named after {@code lastName}.
   */
  record StandardSub(char code, String full, String lastName) {}

  private static final StandardSub[] STANDARD = {
    new StandardSub('t', "std", null),
    new StandardSub('a', "std::allocator", "allocator"),
    new StandardSub('b', "std::basic_string", "basic_string"),
    new StandardSub(
        's',
        "std::basic_string<char, std::char_traits<char>, std::allocator<char> >",
        "basic_string"),
    new StandardSub('i', "std::basic_istream<char, std::char_traits<char> >", "basic_istream"),
    new StandardSub('o', "std::basic_ostream<char, std::char_traits<char> >", "basic_ostream"),
    new StandardSub('d', "std::basic_iostream<char, std::char_traits<char> >", "basic_iostream"),
  };

  private final Node[] entries;
  private int size;

  /** A mangled name of length n cannot define more than n candidates; c++filt caps it there. */
  SubstitutionTable(int capacity) {
    entries = new Node[capacity];
  }

  /** Adds a candidate; false when {@code n} is null (a failed sub-parse) or the table is full. */
  boolean add(Node n) {
    if (n == null || size >= entries.length) {
      return false;
    }
    entries[size++] = n;
    return true;
  }

  /** The candidate with the given zero-based index, or null when it does not exist yet. */
  Node get(long index) {
    return index >= 0 && index < size ? entries[(int) index] : null;
  }

  int size() {
    return size;
  }

  /** Forgets candidates added by a parse attempt that is being backtracked. */
  void truncate(int newSize) {
    for (int i = newSize; i < size; i++) {
      entries[i] = null;
    }
    size = newSize;
  }

  static StandardSub standard(char code) {
    for (StandardSub s : STANDARD) {
      if (s.code() == code) {
        return s;
      }
    }
    return null;
  }
}
