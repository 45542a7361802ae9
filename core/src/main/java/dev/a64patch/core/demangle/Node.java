package dev.a64patch.core.demangle;

/**
 * One component of a parsed mangled name.
 *
 * <p>The tree is a DAG: substitutions ({@code S_}, {@code S0_}, ...) and template parameters refer
 * back to nodes built earlier. Identity therefore matters (the printer keys per-node state on
 * {@link #id}, and compares nodes with {@code ==}); never use {@link #equals} or {@link #hashCode}
 * on nodes, which would also recurse over the whole shared structure.
 *
 * @param id index unique within one parse, used by the printer for per-node counters
 * @param kind what this component is
 * @param left first child (for leaves that wrap a name - ctor, dtor, lambda, default argument,
 *     vendor operator - the wrapped node)
 * @param right second child, or the next cell of an argument list
 * @param text source text for names, literals and standard substitutions; the spelling of built-in
 *     types
 * @param num template parameter / function parameter index, lambda or unnamed-type number, vendor
 *     operator arity, built-in print style ordinal
 * @param op operator description for {@link Kind#OPERATOR}
 */
record Node(int id, Kind kind, Node left, Node right, String text, int num, OperatorInfo op) {

  boolean is(Kind k) {
    return kind == k;
  }

  /** Print style of a {@link Kind#BUILTIN_TYPE}; how literals of that type are shown. */
  BuiltinPrint builtinPrint() {
    return BuiltinPrint.values()[num];
  }

  /** How literals of a built-in type print (e.g. {@code 5u}, {@code true}, {@code (float)[..]}). */
  enum BuiltinPrint {
    DEFAULT,
    INT,
    UNSIGNED,
    LONG,
    UNSIGNED_LONG,
    LONG_LONG,
    UNSIGNED_LONG_LONG,
    BOOL,
    FLOAT,
    VOID
  }

  @Override
  public String toString() {
    // Records would otherwise print the whole (possibly exponentially shared) subtree.
    return kind + "#" + id + (text != null ? "(" + text + ")" : "");
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
