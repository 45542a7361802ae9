package dev.a64patch.core.demangle;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Demangles Itanium C++ ABI symbol names (the scheme GCC and Clang use on Linux, see
 * https://itanium-cxx-abi.github.io/cxx-abi/abi.html#mangling) into the text GNU c++filt (binutils
 * 2.40) prints for them, byte for byte.
 *
 * <p>The parser and printer follow the structure of c++filt's demangler (libiberty cp-demangle.c)
 * closely, because c++filt's output conventions ({@code char const*}, {@code vector<int,
 * std::allocator<int> >}, where parentheses go) and its failure cases are defined by that structure
 * rather than by the ABI document.
 *
 * <p>Stateless and thread-safe. Work is bounded: input over 1024 bytes is rejected (as c++filt
 * does), parsing recursion is bounded by the input length, and printing stops at an output and step
 * budget that only adversarial names (exponentially shared substitutions, which keep c++filt busy
 * for minutes) reach. Very deep names need a few hundred KiB of thread stack; on a smaller stack
 * they give empty rather than fail.
 */
public final class Demangler {

  /**
   * c++filt refuses names whose component array (2 per input byte) would exceed its recursion limit
   * of 2048 (PR 87675), i.e. names longer than 1024 bytes.
   */
  private static final int MAX_LENGTH = 1024;

  /**
   * Legacy Rust symbols are Itanium-shaped but end in a {@code 17h<16 hex digits>E} hash segment;
   * c++filt demangles them with its Rust rules, which we do not implement.
   */
  private static final Pattern RUST_LEGACY_HASH = Pattern.compile("17h[0-9a-f]{16}E");

  private Demangler() {}

  /**
   * The demangled form as c++filt prints it, or empty when the name is not a mangled C++ name or
   * uses a construct this demangler does not handle. Never throws, never loops forever, bounded
   * recursion/time on hostile input.
   */
  public static Optional<String> demangle(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(demangleBytes(name));
    } catch (RuntimeException | StackOverflowError e) {
      // Defensive: the parser is bounded by the input length, but a failure to demangle
      // must never become a failure of the caller.
      return Optional.empty();
    }
  }

  private static String demangleBytes(String name) {
    // Source names are length-prefixed in bytes, so work on the UTF-8 bytes, one char each.
    String in = new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    if (in.indexOf('\0') >= 0 || in.length() > MAX_LENGTH) {
      return null;
    }
    Kind global = null;
    if (!in.startsWith("_Z")) {
      // GCC's static initialisation functions "_GLOBAL__I_<name>" / "_GLOBAL__D_<name>"
      // (with '.', '_' or '$' after _GLOBAL_). The newer "_GLOBAL__sub_I_" form is not
      // recognised by c++filt either.
      if (in.length() < 11
          || !in.startsWith("_GLOBAL_")
          || ".$_".indexOf(in.charAt(8)) < 0
          || (in.charAt(9) != 'I' && in.charAt(9) != 'D')
          || in.charAt(10) != '_') {
        return null;
      }
      global = in.charAt(9) == 'I' ? Kind.GLOBAL_CONSTRUCTORS : Kind.GLOBAL_DESTRUCTORS;
    } else if (in.startsWith("_ZN") && RUST_LEGACY_HASH.matcher(in).find()) {
      return null;
    }
    int unresolvedNameState = 1;
    while (true) {
      Parser p = new Parser(in, unresolvedNameState);
      Node dc = global == null ? p.encodings.mangledName(true) : globalCtorDtor(p, global);
      if (dc != null && !p.atEnd()) {
        dc = null; // trailing characters: not a mangled name after all
      }
      if (dc == null && p.unresolvedNameState == -1) {
        // See ExpressionParser.unresolvedName: retry with the old reading.
        unresolvedNameState = 0;
        continue;
      }
      if (dc == null) {
        return null;
      }
      String out = Printer.print(dc, p.idLimit());
      if (out == null) {
        return null;
      }
      return new String(out.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
  }

  /** "global constructors keyed to X": X is demangled if it is a _Z name, else shown as is. */
  private static Node globalCtorDtor(Parser p, Kind kind) {
    p.advance(11);
    Node inner;
    if (p.peek() == '_' && p.peekNext() == 'Z') {
      p.advance(2);
      inner = p.encodings.encoding(false);
    } else {
      inner = p.name(p.slice(p.pos, p.pos + p.remaining()));
    }
    Node dc = p.make(kind, inner, null);
    p.pos += p.remaining(); // c++filt ignores whatever follows
    return dc;
  }
}
