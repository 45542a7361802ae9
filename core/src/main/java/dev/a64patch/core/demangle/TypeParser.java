package dev.a64patch.core.demangle;

import dev.a64patch.core.demangle.Node.BuiltinPrint;
import java.util.ArrayList;
import java.util.List;

/**
 * Type productions: {@code <type>}, qualifiers, function/array/vector/pointer-to-member types,
 * template parameters and template arguments.
 */
final class TypeParser {

  /** A parsed qualifier waiting for the type it applies to. */
  record Qual(Kind kind, Node arg) {}

  /** Spelling of the one-letter {@code <builtin-type>} codes 'a'..'z' (null: not a builtin). */
  private static final String[] BUILTIN_NAMES = {
    "signed char",
    "bool",
    "char",
    "double",
    "long double",
    "float",
    "__float128",
    "unsigned char",
    "int",
    "unsigned int",
    null,
    "long",
    "unsigned long",
    "__int128",
    "unsigned __int128",
    null,
    null,
    null,
    "short",
    "unsigned short",
    null,
    "void",
    "wchar_t",
    "long long",
    "unsigned long long",
    "...",
  };

  private static final BuiltinPrint[] BUILTIN_PRINT = {
    BuiltinPrint.DEFAULT,
    BuiltinPrint.BOOL,
    BuiltinPrint.DEFAULT,
    BuiltinPrint.FLOAT,
    BuiltinPrint.FLOAT,
    BuiltinPrint.FLOAT,
    BuiltinPrint.FLOAT,
    BuiltinPrint.DEFAULT,
    BuiltinPrint.INT,
    BuiltinPrint.UNSIGNED,
    null,
    BuiltinPrint.LONG,
    BuiltinPrint.UNSIGNED_LONG,
    BuiltinPrint.DEFAULT,
    BuiltinPrint.DEFAULT,
    null,
    null,
    null,
    BuiltinPrint.DEFAULT,
    BuiltinPrint.DEFAULT,
    null,
    BuiltinPrint.VOID,
    BuiltinPrint.DEFAULT,
    BuiltinPrint.LONG_LONG,
    BuiltinPrint.UNSIGNED_LONG_LONG,
    BuiltinPrint.DEFAULT,
  };

  static final String NULLPTR_TYPE = "decltype(nullptr)";

  private final Parser p;

  TypeParser(Parser p) {
    this.p = p;
  }

  /** Whether a qualifier ({@code r V K Dx Do DO Dw}) comes next. */
  private boolean nextIsTypeQual() {
    char c = p.peek();
    if (c == 'r' || c == 'V' || c == 'K') {
      return true;
    }
    if (c == 'D') {
      char d = p.peekNext();
      return d == 'x' || d == 'o' || d == 'O' || d == 'w';
    }
    return false;
  }

  /** {@code <type>}. Substitution candidates are added here, in ABI order. */
  Node type() {
    if (nextIsTypeQual()) {
      // A cv-qualified type is a substitution candidate and so is its unqualified type, but
      // a type with only some of the qualifiers is not (the ABI's substitution rules for
      // CV-qualifiers), so all qualifiers are taken off at once.
      List<Qual> quals = cvQualifiers(false);
      if (quals == null) {
        return null;
      }
      // Qualifiers in front of a function type apply to "this"; the unqualified function
      // type is then not a candidate.
      boolean function = p.peek() == 'F';
      Node inner = function ? functionType() : type();
      if (inner == null) {
        return null;
      }
      Node ret;
      if (inner.is(Kind.REFERENCE_THIS) || inner.is(Kind.RVALUE_REFERENCE_THIS)) {
        if (!function) {
          // Only malformed names get here (a ref-qualified nested-name used as a
          // type). c++filt then rewires a node that may be shared through the
          // substitution table, changing earlier output; we do not imitate that.
          return null;
        }
        // Keep the ref-qualifier outermost so it prints after the cv-qualifiers.
        ret = p.rebuild(inner, wrap(quals, inner.left()), null);
      } else {
        ret = wrap(quals, inner);
      }
      return p.subs.add(ret) ? ret : null;
    }

    boolean canSubstitute = true;
    Node ret;
    char peek = p.peek();
    switch (peek) {
      case 'u':
        p.advance(1);
        ret = p.make(Kind.VENDOR_TYPE, p.names.sourceName(), null);
        break;
      case 'F':
        ret = functionType();
        break;
      case 'A':
        ret = arrayType();
        break;
      case 'M':
        ret = pointerToMemberType();
        break;
      case 'T':
        ret = templateParamWithArgs();
        break;
      case 'O':
        p.advance(1);
        ret = p.make(Kind.RVALUE_REFERENCE, type(), null);
        break;
      case 'P':
        p.advance(1);
        ret = p.make(Kind.POINTER, type(), null);
        break;
      case 'R':
        p.advance(1);
        ret = p.make(Kind.REFERENCE, type(), null);
        break;
      case 'C':
        p.advance(1);
        ret = p.make(Kind.COMPLEX, type(), null);
        break;
      case 'G':
        p.advance(1);
        ret = p.make(Kind.IMAGINARY, type(), null);
        break;
      case 'U':
        {
          // U <source-name> [<template-args>] <type>: vendor qualifier, printed after.
          p.advance(1);
          Node qual = p.names.sourceName();
          if (p.peek() == 'I') {
            qual = p.make(Kind.TEMPLATE, qual, templateArgs());
          }
          ret = p.make(Kind.VENDOR_TYPE_QUAL, type(), qual);
          break;
        }
      case 'D':
        p.advance(1);
        char code = p.next();
        canSubstitute = code == 'T' || code == 't' || code == 'p' || code == 'v';
        ret = dType(code);
        break;
      default:
        if (peek >= 'a' && peek <= 'z' && BUILTIN_NAMES[peek - 'a'] != null) {
          // Builtins are not substitution candidates.
          p.advance(1);
          return p.builtin(BUILTIN_NAMES[peek - 'a'], BUILTIN_PRINT[peek - 'a']);
        }
        // <class-enum-type> ::= <name>, a candidate unless it was a substitution.
        return p.names.name(true);
    }
    if (canSubstitute && !p.subs.add(ret)) {
      return null;
    }
    return ret;
  }

  /** The {@code D<x>} types: decltype, pack expansion, auto, char8_t.., _FloatN, vectors. */
  private Node dType(char code) {
    switch (code) {
      case 'T':
      case 't':
        {
          Node ret = p.make(Kind.DECLTYPE, p.exprs.expression(), null);
          return ret != null && p.next() == 'E' ? ret : null;
        }
      case 'p':
        return p.make(Kind.PACK_EXPANSION, type(), null);
      case 'a':
        return p.name("auto");
      case 'c':
        return p.name("decltype(auto)");
      case 'f':
        return p.builtin("decimal32", BuiltinPrint.DEFAULT);
      case 'd':
        return p.builtin("decimal64", BuiltinPrint.DEFAULT);
      case 'e':
        return p.builtin("decimal128", BuiltinPrint.DEFAULT);
      case 'h':
        return p.builtin("half", BuiltinPrint.FLOAT);
      case 'u':
        return p.builtin("char8_t", BuiltinPrint.DEFAULT);
      case 's':
        return p.builtin("char16_t", BuiltinPrint.DEFAULT);
      case 'i':
        return p.builtin("char32_t", BuiltinPrint.DEFAULT);
      case 'n':
        return p.builtin(NULLPTR_TYPE, BuiltinPrint.DEFAULT);
      case 'v':
        return vectorType();
      case 'F':
        {
          // DF <number> _ is _FloatN, DF <number> x is _FloatNx, DF16b is std::bfloat16_t.
          int bits = p.number();
          if (p.peek() == 'b') {
            if (bits != 16) {
              return null;
            }
            p.advance(1);
            return p.builtin("std::bfloat16_t", BuiltinPrint.FLOAT);
          }
          boolean x = p.peek() == 'x';
          if (!x && p.peek() != '_') {
            return null;
          }
          p.advance(1);
          return p.extendedBuiltin("_Float" + bits + (x ? "x" : ""));
        }
      default:
        return null;
    }
  }

  /**
   * {@code <template-param> [<template-args>]}. A template template parameter with arguments is a
   * candidate before the arguments are applied. In a conversion operator's type the arguments may
   * instead belong to the operator ({@code cv T_ I..E}), which is only known once we see whether a
   * second argument list follows.
   */
  private Node templateParamWithArgs() {
    Node ret = templateParam();
    if (p.peek() != 'I') {
      return ret;
    }
    if (!p.isConversion) {
      if (!p.subs.add(ret)) {
        return null;
      }
      return p.make(Kind.TEMPLATE, ret, templateArgs());
    }
    Parser.Checkpoint cp = p.checkpoint();
    Node args = templateArgs();
    if (p.peek() == 'I') {
      if (!p.subs.add(ret)) {
        return null;
      }
      return p.make(Kind.TEMPLATE, ret, args);
    }
    p.backtrack(cp);
    return ret;
  }

  /**
   * {@code <CV-qualifiers> ::= [r] [V] [K]} plus the function qualifiers {@code Dx}
   * (transaction_safe), {@code Do}/{@code DO <expr> E} (noexcept) and {@code Dw <type>+ E}
   * (throw(...)). Returned outermost first; null on a parse error.
   *
   * @param memberFn the qualifiers of a nested-name, which qualify "this"
   */
  List<Qual> cvQualifiers(boolean memberFn) {
    List<Qual> quals = new ArrayList<>(2);
    char peek = p.peek();
    while (nextIsTypeQual()) {
      Node arg = null;
      Kind kind;
      p.advance(1);
      if (peek == 'r') {
        kind = memberFn ? Kind.RESTRICT_THIS : Kind.RESTRICT;
      } else if (peek == 'V') {
        kind = memberFn ? Kind.VOLATILE_THIS : Kind.VOLATILE;
      } else if (peek == 'K') {
        kind = memberFn ? Kind.CONST_THIS : Kind.CONST;
      } else {
        peek = p.next();
        if (peek == 'x') {
          kind = Kind.TRANSACTION_SAFE;
        } else if (peek == 'o' || peek == 'O') {
          kind = Kind.NOEXCEPT;
          if (peek == 'O') {
            arg = p.exprs.expression();
            if (arg == null || !p.check('E')) {
              return null;
            }
          }
        } else if (peek == 'w') {
          kind = Kind.THROW_SPEC;
          arg = parmlist();
          if (arg == null || !p.check('E')) {
            return null;
          }
        } else {
          return null;
        }
      }
      quals.add(new Qual(kind, arg));
      peek = p.peek();
    }
    if (!memberFn && peek == 'F') {
      // Qualifiers written before a function type qualify its "this" (a member function
      // type such as in M1AKFvvE) and print after the parameter list.
      for (int i = 0; i < quals.size(); i++) {
        Kind k = quals.get(i).kind();
        Kind thisKind =
            k == Kind.RESTRICT
                ? Kind.RESTRICT_THIS
                : k == Kind.VOLATILE ? Kind.VOLATILE_THIS : k == Kind.CONST ? Kind.CONST_THIS : k;
        quals.set(i, new Qual(thisKind, quals.get(i).arg()));
      }
    }
    return quals;
  }

  /** Applies qualifiers (outermost first) to {@code inner}. */
  Node wrap(List<Qual> quals, Node inner) {
    Node ret = inner;
    for (int i = quals.size() - 1; i >= 0; i--) {
      ret = p.make(quals.get(i).kind(), ret, quals.get(i).arg());
    }
    return ret;
  }

  /** {@code <function-type> ::= F [Y] <bare-function-type> [<ref-qualifier>] E}. */
  Node functionType() {
    if (p.recursionLevel > Parser.RECURSION_LIMIT) {
      return null;
    }
    p.recursionLevel++;
    Node ret = null;
    if (p.check('F')) {
      if (p.peek() == 'Y') {
        p.advance(1); // extern "C"; not printed
      }
      ret = bareFunctionType(true);
      if (p.peek() == 'R' || p.peek() == 'O') {
        Kind k = p.next() == 'R' ? Kind.REFERENCE_THIS : Kind.RVALUE_REFERENCE_THIS;
        ret = p.make(k, ret, null);
      }
      if (!p.check('E')) {
        ret = null;
      }
    }
    p.recursionLevel--;
    return ret;
  }

  /** {@code <bare-function-type> ::= [J] <signature type>+}; J marks an explicit return type. */
  Node bareFunctionType(boolean hasReturnType) {
    if (p.peek() == 'J') {
      p.advance(1);
      hasReturnType = true;
    }
    Node returnType = null;
    if (hasReturnType) {
      returnType = type();
      if (returnType == null) {
        return null;
      }
    }
    Node params = parmlist();
    if (params == null) {
      return null;
    }
    return p.make(Kind.FUNCTION_TYPE, returnType, params);
  }

  /** {@code <type>+} up to E, '.', the end or a ref-qualifier; a lone void means "()". */
  Node parmlist() {
    List<Node> types = new ArrayList<>();
    while (true) {
      char peek = p.peek();
      if (peek == 0 || peek == 'E' || peek == '.') {
        break;
      }
      if ((peek == 'R' || peek == 'O') && p.peekNext() == 'E') {
        break; // the function's ref-qualifier, not a reference parameter
      }
      Node t = type();
      if (t == null) {
        return null;
      }
      types.add(t);
    }
    if (types.isEmpty()) {
      return null;
    }
    if (types.size() == 1
        && types.get(0).is(Kind.BUILTIN_TYPE)
        && types.get(0).builtinPrint() == BuiltinPrint.VOID) {
      return p.make(Kind.ARGLIST, null, null);
    }
    return p.list(Kind.ARGLIST, types);
  }

  /** {@code <array-type> ::= A <number> _ <type> | A [<expression>] _ <type>}. */
  private Node arrayType() {
    if (!p.check('A')) {
      return null;
    }
    Node dim;
    char peek = p.peek();
    if (peek == '_') {
      dim = null;
    } else if (Ascii.isDigit(peek)) {
      int start = p.pos;
      while (Ascii.isDigit(p.peek())) {
        p.advance(1);
      }
      dim = p.name(p.slice(start, p.pos));
      if (dim == null) {
        return null;
      }
    } else {
      dim = p.exprs.expression();
      if (dim == null) {
        return null;
      }
    }
    if (!p.check('_')) {
      return null;
    }
    return p.make(Kind.ARRAY_TYPE, dim, type());
  }

  /** {@code <vector-type> ::= Dv <number> _ <type> | Dv _ <expression> _ <type>}. */
  private Node vectorType() {
    Node dim;
    if (p.peek() == '_') {
      p.advance(1);
      dim = p.exprs.expression();
    } else {
      dim = p.leaf(Kind.NUMBER, p.number());
    }
    if (dim == null || !p.check('_')) {
      return null;
    }
    return p.make(Kind.VECTOR_TYPE, dim, type());
  }

  /** {@code <pointer-to-member-type> ::= M <class type> <member type>}. */
  private Node pointerToMemberType() {
    if (!p.check('M')) {
      return null;
    }
    Node cls = type();
    if (cls == null) {
      return null;
    }
    Node member = type();
    if (member == null) {
      return null;
    }
    return p.make(Kind.PTRMEM_TYPE, cls, member);
  }

  /** {@code <template-param> ::= T_ | T <number> _}: T_ is the first parameter. */
  Node templateParam() {
    if (!p.check('T')) {
      return null;
    }
    int index = p.compactNumber();
    return index < 0 ? null : p.leaf(Kind.TEMPLATE_PARAM, index);
  }

  /** {@code <template-args> ::= I <template-arg>+ E} (J...E is an argument pack). */
  Node templateArgs() {
    if (p.peek() != 'I' && p.peek() != 'J') {
      return null;
    }
    p.advance(1);
    return templateArgsBody();
  }

  /** {@code <template-arg>* E}: the part after the opening I or J. */
  Node templateArgsBody() {
    // Names inside the arguments must not become the name of a following C1/D1.
    Node holdLastName = p.lastName;
    if (p.peek() == 'E') {
      p.advance(1);
      return p.make(Kind.TEMPLATE_ARGLIST, null, null); // an empty pack
    }
    List<Node> args = new ArrayList<>();
    while (true) {
      Node a = templateArg();
      if (a == null) {
        return null;
      }
      args.add(a);
      if (p.peek() == 'E') {
        p.advance(1);
        break;
      }
    }
    p.lastName = holdLastName;
    return p.list(Kind.TEMPLATE_ARGLIST, args);
  }

  /** {@code <template-arg> ::= <type> | X <expression> E | <expr-primary> | J <arg>* E}. */
  Node templateArg() {
    switch (p.peek()) {
      case 'X':
        {
          p.advance(1);
          Node ret = p.exprs.expression();
          return p.check('E') ? ret : null;
        }
      case 'L':
        return p.exprs.exprPrimary();
      case 'I':
      case 'J':
        return templateArgs();
      default:
        return type();
    }
  }
}
