package dev.a64patch.core.demangle;

import java.util.ArrayList;
import java.util.List;

/**
 * Expression productions, which appear in decltype types, array bounds, noexcept specifications and
 * non-type template arguments: {@code <expression>}, {@code <expr-primary>} (literals), {@code
 * <unresolved-name>} and {@code <operator-name>}.
 */
final class ExpressionParser {

  private final Parser p;

  ExpressionParser(Parser p) {
    this.p = p;
  }

  /** An expression; inside it "cv" is a cast rather than a conversion operator. */
  Node expression() {
    boolean wasExpression = p.isExpression;
    p.isExpression = true;
    Node ret = expression1();
    p.isExpression = wasExpression;
    return ret;
  }

  private Node expression1() {
    char peek = p.peek();
    char next = p.peekNext();
    if (peek == 'L') {
      return exprPrimary();
    }
    if (peek == 'T') {
      return p.types.templateParam();
    }
    if (peek == 's' && next == 'r') {
      return unresolvedName();
    }
    if (peek == 's' && next == 'p') {
      p.advance(2);
      return p.make(Kind.PACK_EXPANSION, expression1(), null);
    }
    if (peek == 'f' && next == 'p') {
      // fp_ is the first function parameter ({parm#1}), fpT is "this".
      p.advance(2);
      int index;
      if (p.peek() == 'T') {
        p.advance(1);
        index = 0;
      } else {
        index = p.compactNumber();
        if (index == Integer.MAX_VALUE || index == -1) {
          return null;
        }
        index++;
      }
      return p.leaf(Kind.FUNCTION_PARAM, index);
    }
    if (Ascii.isDigit(peek) || (peek == 'o' && next == 'n')) {
      // An unqualified name, e.g. the callee of a dependent call in decltype(f(t)).
      if (peek == 'o') {
        p.advance(2);
      }
      Node name = p.names.unqualifiedName(null, null);
      if (name == null) {
        return null;
      }
      if (p.peek() == 'I') {
        return p.make(Kind.TEMPLATE, name, p.types.templateArgs());
      }
      return name;
    }
    if ((peek == 'i' || peek == 't') && next == 'l') {
      // Braced initializer list: il <expr>* E, or tl <type> <expr>* E.
      p.advance(2);
      Node type = null;
      if (peek == 't') {
        type = p.types.type();
      }
      if (p.peek() == 0 || p.peekNext() == 0) {
        return null;
      }
      return p.make(Kind.INITIALIZER_LIST, type, exprList('E'));
    }
    if (peek == 'u') {
      // Vendor extended expression: u <source-name> <template-arg>* E.
      p.advance(1);
      Node name = p.names.sourceName();
      Node args = p.types.templateArgsBody();
      return p.make(Kind.VENDOR_EXPR, name, args);
    }
    return operatorExpression();
  }

  private Node operatorExpression() {
    Node op = operatorName();
    if (op == null) {
      return null;
    }
    String code = null;
    if (op.is(Kind.OPERATOR)) {
      code = op.op().code();
      if (code.equals("st")) {
        return p.make(Kind.UNARY, op, p.types.type()); // sizeof (type)
      }
    }
    int arity;
    switch (op.kind()) {
      case OPERATOR:
        arity = op.op().arity();
        break;
      case EXTENDED_OPERATOR:
        arity = op.num();
        break;
      case CAST:
        arity = 1;
        break;
      default:
        return null;
    }
    switch (arity) {
      case 0:
        return p.make(Kind.NULLARY, op, null);
      case 1:
        return unaryOperands(op, code);
      case 2:
        return code == null ? null : binaryOperands(op, code);
      case 3:
        return code == null ? null : ternaryOperands(op, code);
      default:
        return null;
    }
  }

  private Node unaryOperands(Node op, String code) {
    boolean suffix = false;
    if (code != null
        && (code.charAt(0) == 'p' || code.charAt(0) == 'm')
        && code.charAt(1) == code.charAt(0)) {
      // pp_/mm_ are prefix ++/--; without the underscore they are postfix.
      suffix = !p.check('_');
    }
    Node operand;
    if (op.is(Kind.CAST) && p.check('_')) {
      operand = exprList('E'); // cv <type> _ <expr>* E: a functional cast with a list
    } else if ("sP".equals(code)) {
      operand = p.types.templateArgsBody();
    } else {
      operand = expression1();
    }
    if (suffix) {
      // A BINARY_ARGS operand marks the postfix form for the printer.
      operand = p.make(Kind.BINARY_ARGS, operand, operand);
    }
    return p.make(Kind.UNARY, op, operand);
  }

  private Node binaryOperands(Node op, String code) {
    Node left;
    if (op.op().isNewCast()) {
      left = p.types.type();
    } else if (code.charAt(0) == 'f') {
      left = operatorName(); // fold expression: the folded operator
    } else if (code.equals("di")) {
      left = p.names.unqualifiedName(null, null); // .field = value
    } else {
      left = expression1();
    }
    Node right;
    if (code.equals("cl")) {
      right = exprList('E');
    } else if (code.equals("dt") || code.equals("pt")) {
      char peek = p.peek();
      if ((peek == 'g' && p.peekNext() == 's') || (peek == 's' && p.peekNext() == 'r')) {
        right = expression1();
      } else {
        // Old manglings omit "on" before operator names here, hence not expression1().
        right = p.names.unqualifiedName(null, null);
        if (p.peek() == 'I') {
          right = p.make(Kind.TEMPLATE, right, p.types.templateArgs());
        }
      }
    } else {
      right = expression1();
    }
    return p.make(Kind.BINARY, op, p.make(Kind.BINARY_ARGS, left, right));
  }

  private Node ternaryOperands(Node op, String code) {
    Node first;
    Node second;
    Node third;
    if (code.equals("qu") || code.equals("dX")) {
      first = expression1();
      second = expression1();
      third = expression1();
      if (third == null) {
        return null;
      }
    } else if (code.charAt(0) == 'f') {
      first = operatorName(); // binary fold: operator, init, pack
      second = expression1();
      third = expression1();
      if (third == null) {
        return null;
      }
    } else if (code.charAt(0) == 'n') {
      // new: nw <expression>* _ <type> (E | pi <expression>* E | il ... E)
      if (code.charAt(1) != 'w' && code.charAt(1) != 'a') {
        return null;
      }
      first = exprList('_');
      second = p.types.type();
      if (p.peek() == 'E') {
        p.advance(1);
        third = null;
      } else if (p.peek() == 'p' && p.peekNext() == 'i') {
        p.advance(2);
        third = exprList('E');
      } else if (p.peek() == 'i' && p.peekNext() == 'l') {
        third = expression1();
      } else {
        return null;
      }
    } else {
      return null;
    }
    return p.make(
        Kind.TRINARY,
        op,
        p.make(Kind.TRINARY_ARG1, first, p.make(Kind.TRINARY_ARG2, second, third)));
  }

  /** Expressions up to {@code terminator}, which is consumed. */
  private Node exprList(char terminator) {
    if (p.peek() == terminator) {
      p.advance(1);
      return p.make(Kind.ARGLIST, null, null);
    }
    List<Node> items = new ArrayList<>();
    while (true) {
      Node arg = expression();
      if (arg == null) {
        return null;
      }
      items.add(arg);
      if (p.peek() == terminator) {
        p.advance(1);
        break;
      }
    }
    return p.list(Kind.ARGLIST, items);
  }

  /**
   * {@code <unresolved-name> ::= sr <type> <base-unresolved-name> | srN <type> <qualifier>+ E
   * <base-unresolved-name> | sr <qualifier>+ E <base-unresolved-name>}. The last form is ambiguous
   * with the older {@code sr <type> <name>} mangling ({@code A::x} was sr1A1x, now sr1AE1x); like
   * c++filt we try the new reading first and {@link Demangler} reparses the whole name with the old
   * one if that fails.
   */
  private Node unresolvedName() {
    p.advance(2);
    char peek = p.peek();
    Node scope;
    if (p.unresolvedNameState != 0
        && (Ascii.isDigit(peek)
            || Ascii.isLower(peek)
            || peek == 'C'
            || peek == 'U'
            || peek == 'L')) {
      p.unresolvedNameState = -1;
      scope = p.names.prefix(false);
      if (p.peek() == 'E') {
        p.advance(1);
      }
    } else {
      scope = p.types.type();
    }
    Node name = p.names.unqualifiedName(scope, null);
    if (p.peek() == 'I') {
      name = p.make(Kind.TEMPLATE, name, p.types.templateArgs());
    }
    return name;
  }

  /**
   * {@code <expr-primary> ::= L <type> <value> E | L <mangled-name> E}. Literal values are kept as
   * text; the printer decides how to show them from the type.
   */
  Node exprPrimary() {
    if (!p.check('L')) {
      return null;
    }
    Node ret;
    if (p.peek() == '_' || p.peek() == 'Z') {
      ret = p.encodings.mangledName(false); // "LZ" works around an old G++ bug
    } else {
      Node type = p.types.type();
      if (type == null) {
        return null;
      }
      if (type.is(Kind.BUILTIN_TYPE)
          && type.text().equals(TypeParser.NULLPTR_TYPE)
          && p.peek() == 'E') {
        p.advance(1);
        return type; // LDnE is nullptr; c++filt prints the type
      }
      Kind kind = Kind.LITERAL;
      if (p.peek() == 'n') {
        kind = Kind.LITERAL_NEG;
        p.advance(1);
      }
      int start = p.pos;
      while (p.peek() != 'E') {
        if (p.atEnd()) {
          return null;
        }
        p.advance(1);
      }
      ret = p.make(kind, type, p.name(p.slice(start, p.pos)));
    }
    return p.check('E') ? ret : null;
  }

  /** {@code <operator-name>}: two-letter codes, {@code cv <type>}, {@code v <digit> <name>}. */
  Node operatorName() {
    char c1 = p.next();
    char c2 = p.next();
    if (c1 == 'v' && Ascii.isDigit(c2)) {
      return p.extendedOperator(c2 - '0', p.names.sourceName());
    }
    if (c1 == 'c' && c2 == 'v') {
      boolean wasConversion = p.isConversion;
      p.isConversion = !p.isExpression;
      Node type = p.types.type();
      Node res = p.make(p.isConversion ? Kind.CONVERSION : Kind.CAST, type, null);
      p.isConversion = wasConversion;
      return res;
    }
    OperatorInfo info = OperatorInfo.lookup(c1, c2);
    return info == null ? null : p.operator(info);
  }
}
