package dev.a64patch.core.demangle;

/**
 * Printing of expression nodes (operators, literals, pack expansions, function parameters) the way
 * c++filt does, including its parenthesisation: operands other than plain names are always wrapped
 * in parentheses, and a {@code >} comparison is wrapped once more so that it cannot close a
 * template argument list.
 */
final class ExpressionPrinter {

  private final Printer out;

  ExpressionPrinter(Printer out) {
    this.out = out;
  }

  /** Prints {@code dc} if it is an expression node; false if it is not one. */
  boolean print(Node dc) {
    switch (dc.kind()) {
      case NULLARY:
        printOp(dc.left());
        return true;
      case UNARY:
        printUnary(dc);
        return true;
      case BINARY:
        printBinary(dc);
        return true;
      case TRINARY:
        printTrinary(dc);
        return true;
      case LITERAL:
      case LITERAL_NEG:
        printLiteral(dc);
        return true;
      case VENDOR_EXPR:
        out.print(dc.left());
        out.append('(');
        out.print(dc.right());
        out.append(')');
        return true;
      case INITIALIZER_LIST:
        if (dc.left() != null) {
          out.print(dc.left());
        }
        out.append('{');
        out.print(dc.right());
        out.append('}');
        return true;
      case PACK_EXPANSION:
        printPackExpansion(dc);
        return true;
      case FUNCTION_PARAM:
        if (dc.num() == 0) {
          out.append("this");
        } else {
          out.append("{parm#");
          out.appendNum(dc.num());
          out.append('}');
        }
        return true;
      default:
        return false; // includes BINARY_ARGS/TRINARY_ARG*, valid only inside their parent
    }
  }

  /** An operand: parenthesised unless it is a plain (qualified) name or similar. */
  private void printSubexpr(Node dc) {
    if (dc == null) {
      out.fail();
      return;
    }
    boolean simple =
        dc.is(Kind.NAME)
            || dc.is(Kind.QUAL_NAME)
            || dc.is(Kind.INITIALIZER_LIST)
            || dc.is(Kind.FUNCTION_PARAM);
    if (!simple) {
      out.append('(');
    }
    out.print(dc);
    if (!simple) {
      out.append(')');
    }
  }

  /** An operator inside an expression: its bare symbol (or a cast's/vendor op's name). */
  private void printOp(Node op) {
    if (op.is(Kind.OPERATOR)) {
      out.append(op.op().name());
    } else {
      out.print(op);
    }
  }

  private static String code(Node op) {
    return op.is(Kind.OPERATOR) ? op.op().code() : null;
  }

  private void printUnary(Node dc) {
    Node op = dc.left();
    Node operand = dc.right();
    String code = code(op);
    if (code != null) {
      if (code.equals("ad")
          && operand.is(Kind.TYPED_NAME)
          && operand.left().is(Kind.QUAL_NAME)
          && operand.right().is(Kind.FUNCTION_TYPE)) {
        operand = operand.left(); // &A::f, without f's parameter list
      }
      if (operand.is(Kind.BINARY_ARGS)) {
        printSubexpr(operand.left()); // postfix ++/--
        printOp(op);
        return;
      }
    }
    if ("sZ".equals(code)) {
      out.appendNum(packLength(findPack(operand))); // sizeof...(T) prints the pack size
      return;
    }
    if ("sP".equals(code)) {
      out.appendNum(argsLength(operand));
      return;
    }
    if (!op.is(Kind.CAST)) {
      printOp(op);
    } else {
      out.append('(');
      out.print(op.left());
      out.append(')');
    }
    if ("gs".equals(code)) {
      out.print(operand); // ::name, no parentheses
    } else if ("st".equals(code)) {
      out.append('(');
      out.print(operand);
      out.append(')');
    } else {
      printSubexpr(operand);
    }
  }

  private void printBinary(Node dc) {
    Node op = dc.left();
    Node args = dc.right();
    if (!args.is(Kind.BINARY_ARGS)) {
      out.fail();
      return;
    }
    if (op.op().isNewCast()) {
      printOp(op);
      out.append('<');
      out.print(args.left());
      out.append(">(");
      out.print(args.right());
      out.append(')');
      return;
    }
    if (maybePrintFold(dc) || maybePrintDesignatedInit(dc)) {
      return;
    }
    String code = op.op().code();
    boolean greater = op.op().name().equals(">");
    if (greater) {
      out.append('(');
    }
    if (code.equals("cl") && args.left().is(Kind.TYPED_NAME)) {
      // A call: print the callee's name, not its parameter types.
      Node func = args.left();
      if (!func.right().is(Kind.FUNCTION_TYPE)) {
        out.fail();
      }
      printSubexpr(func.left());
    } else {
      printSubexpr(args.left());
    }
    if (code.equals("ix")) {
      out.append('[');
      out.print(args.right());
      out.append(']');
    } else {
      if (!code.equals("cl")) {
        printOp(op);
      }
      printSubexpr(args.right());
    }
    if (greater) {
      out.append(')');
    }
  }

  private void printTrinary(Node dc) {
    Node args = dc.right();
    if (!args.is(Kind.TRINARY_ARG1) || !args.right().is(Kind.TRINARY_ARG2)) {
      out.fail();
      return;
    }
    if (maybePrintFold(dc) || maybePrintDesignatedInit(dc)) {
      return;
    }
    Node op = dc.left();
    Node first = args.left();
    Node second = args.right().left();
    Node third = args.right().right();
    if (op.op().code().equals("qu")) {
      printSubexpr(first);
      printOp(op);
      printSubexpr(second);
      out.append(" : ");
      printSubexpr(third);
    } else {
      out.append("new ");
      if (first.left() != null) {
        printSubexpr(first); // placement arguments
        out.append(' ');
      }
      out.print(second);
      if (third != null) {
        printSubexpr(third);
      }
    }
  }

  /** C++17 fold expressions: (... op x), (x op ...), (a op ... op x). */
  private boolean maybePrintFold(Node dc) {
    String fold = dc.left().op().code();
    if (fold.charAt(0) != 'f') {
      return false;
    }
    Node ops = dc.right();
    Node operator = ops.left();
    Node op1 = ops.right();
    Node op2 = null;
    if (op1.is(Kind.TRINARY_ARG2)) {
      op2 = op1.right();
      op1 = op1.left();
    }
    int savedIndex = out.packIndex;
    out.packIndex = -1; // the whole pack
    switch (fold.charAt(1)) {
      case 'l':
        out.append("(...");
        printOp(operator);
        printSubexpr(op1);
        out.append(')');
        break;
      case 'r':
        out.append('(');
        printSubexpr(op1);
        printOp(operator);
        out.append("...)");
        break;
      default:
        out.append('(');
        printSubexpr(op1);
        printOp(operator);
        out.append("...");
        printOp(operator);
        printSubexpr(op2);
        out.append(')');
        break;
    }
    out.packIndex = savedIndex;
    return true;
  }

  private static boolean isDesignatedInit(Node dc) {
    if (dc == null || (!dc.is(Kind.BINARY) && !dc.is(Kind.TRINARY))) {
      return false;
    }
    String code = dc.left().op().code();
    return code.charAt(0) == 'd'
        && (code.charAt(1) == 'i' || code.charAt(1) == 'x' || code.charAt(1) == 'X');
  }

  /** Designated initializers: .a=1, [2]=x, [1 ... 3]=y. */
  private boolean maybePrintDesignatedInit(Node dc) {
    if (!isDesignatedInit(dc)) {
      return false;
    }
    char kind = dc.left().op().code().charAt(1);
    Node op1 = dc.right().left();
    Node op2 = dc.right().right();
    out.append(kind == 'i' ? '.' : '[');
    out.print(op1);
    if (kind == 'X') {
      out.append(" ... ");
      out.print(op2.left());
      op2 = op2.right();
    }
    if (kind != 'i') {
      out.append(']');
    }
    if (isDesignatedInit(op2)) {
      out.print(op2); // chained designators, no '=' in between
    } else {
      out.append('=');
      printSubexpr(op2);
    }
    return true;
  }

  /** Integer literals as 5, 5u, 5l, 5ul...; bools as true/false; others as (type)value. */
  private void printLiteral(Node dc) {
    Node type = dc.left();
    Node value = dc.right();
    boolean negative = dc.is(Kind.LITERAL_NEG);
    Node.BuiltinPrint style = Node.BuiltinPrint.DEFAULT;
    if (type.is(Kind.BUILTIN_TYPE)) {
      style = type.builtinPrint();
      String suffix = null;
      switch (style) {
        case INT:
          suffix = "";
          break;
        case UNSIGNED:
          suffix = "u";
          break;
        case LONG:
          suffix = "l";
          break;
        case UNSIGNED_LONG:
          suffix = "ul";
          break;
        case LONG_LONG:
          suffix = "ll";
          break;
        case UNSIGNED_LONG_LONG:
          suffix = "ull";
          break;
        case BOOL:
          if (value.is(Kind.NAME) && value.text().length() == 1 && !negative) {
            if (value.text().equals("0")) {
              out.append("false");
              return;
            }
            if (value.text().equals("1")) {
              out.append("true");
              return;
            }
          }
          break;
        default:
          break;
      }
      if (suffix != null && value.is(Kind.NAME)) {
        if (negative) {
          out.append('-');
        }
        out.print(value);
        out.append(suffix);
        return;
      }
    }
    out.append('(');
    out.print(type);
    out.append(')');
    if (negative) {
      out.append('-');
    }
    boolean isFloat = style == Node.BuiltinPrint.FLOAT;
    if (isFloat) {
      out.append('[');
    }
    out.print(value);
    if (isFloat) {
      out.append(']');
    }
  }

  /** {@code pattern...}: printed once per element of the pack it mentions. */
  private void printPackExpansion(Node dc) {
    Node pack = out.lambdaTplParms == 0 ? findPack(dc.left()) : null;
    if (pack == null) {
      // Only function parameter packs (or none we can resolve): show the pattern.
      printSubexpr(dc.left());
      out.append("...");
      return;
    }
    int len = packLength(pack);
    for (int i = 0; i < len; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.packIndex = i;
      out.print(dc.left());
    }
  }

  /** Some template argument pack referred to inside {@code dc}, or null. */
  private Node findPack(Node dc) {
    if (dc == null || !out.step()) {
      return null;
    }
    switch (dc.kind()) {
      case TEMPLATE_PARAM:
        {
          Node a = out.lookupTemplateArgument(dc);
          return a != null && a.is(Kind.TEMPLATE_ARGLIST) ? a : null;
        }
      case PACK_EXPANSION:
      case LAMBDA:
      case NAME:
      case TAGGED_NAME:
      case OPERATOR:
      case BUILTIN_TYPE:
      case EXTENDED_BUILTIN_TYPE:
      case SUB_STD:
      case FUNCTION_PARAM:
      case UNNAMED_TYPE:
      case DEFAULT_ARG:
      case NUMBER:
        return null;
      case EXTENDED_OPERATOR:
      case CTOR:
      case DTOR:
        return findPack(dc.left());
      default:
        {
          Node a = findPack(dc.left());
          return a != null ? a : findPack(dc.right());
        }
    }
  }

  private static int packLength(Node dc) {
    int count = 0;
    while (dc != null && dc.is(Kind.TEMPLATE_ARGLIST) && dc.left() != null) {
      count++;
      dc = dc.right();
    }
    return count;
  }

  /** Number of template arguments, with pack expansions expanded. */
  private int argsLength(Node dc) {
    int count = 0;
    for (; dc != null && dc.is(Kind.TEMPLATE_ARGLIST); dc = dc.right()) {
      Node elt = dc.left();
      if (elt == null) {
        break;
      }
      if (elt.is(Kind.PACK_EXPANSION)) {
        count += packLength(findPack(elt.left()));
      } else {
        count++;
      }
    }
    return count;
  }
}
