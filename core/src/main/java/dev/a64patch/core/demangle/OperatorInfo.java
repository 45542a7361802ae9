package dev.a64patch.core.demangle;

import java.util.HashMap;
import java.util.Map;

/**
 * An operator of the Itanium ABI {@code <operator-name>} production.
 *
 * @param code the two-letter mangled code
 * @param name the spelling c++filt prints; a trailing space (e.g. {@code "sizeof "}) is kept in
 *     expressions and dropped after the word {@code operator}
 * @param arity operand count in an expression (0-3)
 */
record OperatorInfo(String code, String name, int arity) {

  private static final Map<String, OperatorInfo> BY_CODE = new HashMap<>();

  static {
    // The ABI's operator table, plus GNU extensions c++filt understands (designated
    // initialisers di/dx/dX, fold expressions fl/fr/fL/fR, sizeof...(pack) sP/sZ).
    // "nx" (noexcept) is deliberately absent: binutils 2.40 c++filt rejects it.
    add("aN", "&=", 2);
    add("aS", "=", 2);
    add("aa", "&&", 2);
    add("ad", "&", 1);
    add("an", "&", 2);
    add("at", "alignof ", 1);
    add("aw", "co_await ", 1);
    add("az", "alignof ", 1);
    add("cc", "const_cast", 2);
    add("cl", "()", 2);
    add("cm", ",", 2);
    add("co", "~", 1);
    add("dV", "/=", 2);
    add("dX", "[...]=", 3);
    add("da", "delete[] ", 1);
    add("dc", "dynamic_cast", 2);
    add("de", "*", 1);
    add("di", "=", 2);
    add("dl", "delete ", 1);
    add("ds", ".*", 2);
    add("dt", ".", 2);
    add("dv", "/", 2);
    add("dx", "]=", 2);
    add("eO", "^=", 2);
    add("eo", "^", 2);
    add("eq", "==", 2);
    add("fL", "...", 3);
    add("fR", "...", 3);
    add("fl", "...", 2);
    add("fr", "...", 2);
    add("ge", ">=", 2);
    add("gs", "::", 1);
    add("gt", ">", 2);
    add("ix", "[]", 2);
    add("lS", "<<=", 2);
    add("le", "<=", 2);
    add("li", "operator\"\" ", 1);
    add("ls", "<<", 2);
    add("lt", "<", 2);
    add("mI", "-=", 2);
    add("mL", "*=", 2);
    add("mi", "-", 2);
    add("ml", "*", 2);
    add("mm", "--", 1);
    add("na", "new[]", 3);
    add("ne", "!=", 2);
    add("ng", "-", 1);
    add("nt", "!", 1);
    add("nw", "new", 3);
    add("oR", "|=", 2);
    add("oo", "||", 2);
    add("or", "|", 2);
    add("pL", "+=", 2);
    add("pl", "+", 2);
    add("pm", "->*", 2);
    add("pp", "++", 1);
    add("ps", "+", 1);
    add("pt", "->", 2);
    add("qu", "?", 3);
    add("rM", "%=", 2);
    add("rS", ">>=", 2);
    add("rc", "reinterpret_cast", 2);
    add("rm", "%", 2);
    add("rs", ">>", 2);
    add("sP", "sizeof...", 1);
    add("sZ", "sizeof...", 1);
    add("sc", "static_cast", 2);
    add("ss", "<=>", 2);
    add("st", "sizeof ", 1);
    add("sz", "sizeof ", 1);
    add("tr", "throw", 0);
    add("tw", "throw ", 1);
  }

  private static void add(String code, String name, int arity) {
    BY_CODE.put(code, new OperatorInfo(code, name, arity));
  }

  static OperatorInfo lookup(char c1, char c2) {
    return BY_CODE.get(new String(new char[] {c1, c2}));
  }

  /** The C++ named casts, printed as {@code static_cast<T>(e)}. */
  boolean isNewCast() {
    char c0 = code.charAt(0);
    return code.charAt(1) == 'c' && (c0 == 's' || c0 == 'd' || c0 == 'c' || c0 == 'r');
  }
}
