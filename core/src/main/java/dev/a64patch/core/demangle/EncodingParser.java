package dev.a64patch.core.demangle;

/**
 * Top-level productions: {@code <mangled-name>}, {@code <encoding>}, {@code <special-name>}
 * (vtables, typeinfo, thunks, guard variables, TLS helpers) and GCC's clone suffixes.
 */
final class EncodingParser {

  private final Parser p;

  EncodingParser(Parser p) {
    this.p = p;
  }

  /**
   * {@code <mangled-name> ::= _Z <encoding> [<clone-suffix>]*}.
   *
   * @param topLevel false for a name nested in a template argument ({@code L _Z ... E}), where the
   *     leading underscore may be missing (an old G++ bug) and clone suffixes cannot occur
   */
  Node mangledName(boolean topLevel) {
    if (!p.check('_') && topLevel) {
      return null;
    }
    if (!p.check('Z')) {
      return null;
    }
    Node enc = encoding(topLevel);
    if (topLevel) {
      // GCC appends ".cold", ".constprop.0", ".isra.0", ".part.1", ... to the symbols of
      // function clones; c++filt shows each as " [clone .suffix]".
      while (p.peek() == '.'
          && (Ascii.isLower(p.peekNext()) || p.peekNext() == '_' || Ascii.isDigit(p.peekNext()))) {
        enc = cloneSuffix(enc);
      }
    }
    return enc;
  }

  /** {@code <clone-suffix> ::= [. <clone-type-identifier>] [. <nonnegative number>]*}. */
  private Node cloneSuffix(Node encoding) {
    int start = p.pos;
    int end = start;
    if (p.charAt(end) == '.' && isCloneChar(p.charAt(end + 1))) {
      end += 2;
      while (isCloneChar(p.charAt(end))) {
        end++;
      }
    }
    while (p.charAt(end) == '.' && Ascii.isDigit(p.charAt(end + 1))) {
      end += 2;
      while (Ascii.isDigit(p.charAt(end))) {
        end++;
      }
    }
    p.pos = end;
    return p.make(Kind.CLONE, encoding, p.name(p.slice(start, end)));
  }

  private static boolean isCloneChar(char c) {
    return Ascii.isLower(c) || Ascii.isDigit(c) || c == '_';
  }

  /** {@code <encoding> ::= <function name> <bare-function-type> | <data name> | <special-name>}. */
  Node encoding(boolean topLevel) {
    char peek = p.peek();
    if (peek == 'G' || peek == 'T') {
      return specialName();
    }
    Node dc = p.names.name(false);
    if (dc == null) {
      return null;
    }
    peek = p.peek();
    if (peek == 0 || peek == 'E') {
      return dc; // a data name
    }
    Node ftype = p.types.bareFunctionType(hasReturnType(dc));
    if (ftype == null) {
      return null;
    }
    // A function nested in a local scope: c++filt hides its return type so that it is not
    // mistaken for the return type of the enclosing function.
    if (!topLevel && dc.is(Kind.LOCAL_NAME) && ftype.is(Kind.FUNCTION_TYPE)) {
      ftype = p.rebuild(ftype, null, ftype.right());
    }
    return p.make(Kind.TYPED_NAME, dc, ftype);
  }

  /**
   * The ABI (bare-function-type): "Template functions (names or types) have return types encoded,
   * with the exceptions listed below. [...] Non-template function names do not have return types
   * encoded. The exceptions [...] are: Constructors. Destructors. Conversion operator functions."
   */
  static boolean hasReturnType(Node dc) {
    if (dc == null) {
      return false;
    }
    if (dc.is(Kind.LOCAL_NAME)) {
      return hasReturnType(dc.right());
    }
    if (dc.is(Kind.TEMPLATE)) {
      return !isCtorDtorOrConversion(dc.left());
    }
    if (dc.kind().fnQual) {
      return hasReturnType(dc.left());
    }
    return false;
  }

  private static boolean isCtorDtorOrConversion(Node dc) {
    if (dc == null) {
      return false;
    }
    switch (dc.kind()) {
      case QUAL_NAME:
      case LOCAL_NAME:
        return isCtorDtorOrConversion(dc.right());
      case CTOR:
      case DTOR:
      case CONVERSION:
        return true;
      default:
        return false;
    }
  }

  /**
   * {@code <special-name>}: {@code TV} vtable, {@code TT} VTT, {@code TI} typeinfo, {@code TS}
   * typeinfo name, {@code Th}/{@code Tv}/{@code Tc} thunks, {@code GV} guard variable, {@code
   * TH}/{@code TW} TLS init/wrapper, and GNU extensions ({@code TC} construction vtable, {@code GR}
   * reference temporary, {@code GTt} transaction clone, ...).
   */
  private Node specialName() {
    if (p.check('T')) {
      switch (p.next()) {
        case 'V':
          return p.make(Kind.VTABLE, p.types.type(), null);
        case 'T':
          return p.make(Kind.VTT, p.types.type(), null);
        case 'I':
          return p.make(Kind.TYPEINFO, p.types.type(), null);
        case 'S':
          return p.make(Kind.TYPEINFO_NAME, p.types.type(), null);
        case 'h':
          return callOffset('h') ? p.make(Kind.THUNK, encoding(false), null) : null;
        case 'v':
          return callOffset('v') ? p.make(Kind.VIRTUAL_THUNK, encoding(false), null) : null;
        case 'c':
          // Covariant return thunk: ABI "Tc <call-offset> <call-offset> <base encoding>".
          if (!callOffset((char) 0) || !callOffset((char) 0)) {
            return null;
          }
          return p.make(Kind.COVARIANT_THUNK, encoding(false), null);
        case 'C':
          {
            // TC <derived type> <offset number> _ <base type>; the offset is not shown.
            Node derived = p.types.type();
            if (p.number() < 0 || !p.check('_')) {
              return null;
            }
            Node base = p.types.type();
            return p.make(Kind.CONSTRUCTION_VTABLE, base, derived);
          }
        case 'F':
          return p.make(Kind.TYPEINFO_FN, p.types.type(), null);
        case 'J':
          return p.make(Kind.JAVA_CLASS, p.types.type(), null);
        case 'H':
          return p.make(Kind.TLS_INIT, p.names.name(false), null);
        case 'W':
          return p.make(Kind.TLS_WRAPPER, p.names.name(false), null);
        case 'A':
          return p.make(Kind.TPARM_OBJ, p.types.templateArg(), null);
        default:
          return null;
      }
    }
    if (p.check('G')) {
      switch (p.next()) {
        case 'V':
          return p.make(Kind.GUARD, p.names.name(false), null);
        case 'R':
          {
            Node name = p.names.name(false);
            return p.make(Kind.REFTEMP, name, p.leaf(Kind.NUMBER, p.number()));
          }
        case 'A':
          return p.make(Kind.HIDDEN_ALIAS, encoding(false), null);
        case 'I':
          {
            Node module = p.names.maybeModuleName(null);
            if (module == null || module == NameParser.FAILED) {
              return null;
            }
            return p.make(Kind.MODULE_INIT, module, null);
          }
        case 'T':
          // GTn: non-transactional clone; GTt (and any other letter): transactional.
          if (p.next() == 'n') {
            return p.make(Kind.NONTRANSACTION_CLONE, encoding(false), null);
          }
          return p.make(Kind.TRANSACTION_CLONE, encoding(false), null);
        default:
          // "Gr" (Java resources) is not supported.
          return null;
      }
    }
    return null;
  }

  /**
   * {@code <call-offset> ::= h <nv-offset> _ | v <v-offset> _}; c++filt does not print offsets.
   *
   * @param c the already consumed 'h' or 'v', or 0 to read it here
   */
  private boolean callOffset(char c) {
    if (c == 0) {
      c = p.next();
    }
    if (c == 'h') {
      p.number();
    } else if (c == 'v') {
      p.number();
      if (!p.check('_')) {
        return false;
      }
      p.number();
    } else {
      return false;
    }
    return p.check('_');
  }
}
