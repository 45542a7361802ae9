package dev.a64patch.core.demangle;

import java.util.List;

/**
 * Shared state of one parse: the input cursor, the substitution table, the node factory and the
 * flags the grammar needs. The productions themselves live in {@link NameParser}, {@link
 * TypeParser} and {@link ExpressionParser}, which call each other through this object.
 *
 * <p>Every production returns {@code null} on failure and callers propagate it, the way c++filt's
 * demangler does; {@link #make} returns null when a required child is null, so most failure checks
 * happen there. No production loops without consuming input, so recursion depth is bounded by the
 * input length, which {@link Demangler} caps.
 */
final class Parser {

  /** DEMANGLE_RECURSION_LIMIT of libiberty: nesting limit for function types. */
  static final int RECURSION_LIMIT = 2048;

  private final String in;
  int pos;
  final SubstitutionTable subs;
  private final int maxNodes;
  private int nextNode;

  /** The last source name seen: what a following C1/D1 constructs or destroys. */
  Node lastName;

  /** Inside an expression, "cv" is a cast; elsewhere it names a conversion operator. */
  boolean isExpression;

  /** Parsing the type of a conversion operator, where T_ I...E is ambiguous. */
  boolean isConversion;

  int recursionLevel;

  /**
   * 1: try the new {@code sr <prefix> E} unresolved-name form; -1: it was tried (retry with 0 if
   * the whole parse fails); 0: old {@code sr <type>} form only.
   */
  int unresolvedNameState;

  final NameParser names = new NameParser(this);
  final TypeParser types = new TypeParser(this);
  final ExpressionParser exprs = new ExpressionParser(this);
  final EncodingParser encodings = new EncodingParser(this);
  final UnnamedEntityParser entities = new UnnamedEntityParser(this);

  /**
   * @param in one char per input byte (see {@link Demangler})
   */
  Parser(String in, int unresolvedNameState) {
    this.in = in;
    this.unresolvedNameState = unresolvedNameState;
    // libiberty sizes its component and substitution arrays as 2*len and len; running out of
    // either fails the demangling, and we fail the same way.
    this.maxNodes = 2 * in.length();
    this.subs = new SubstitutionTable(in.length());
  }

  // ---- cursor ----

  char peek() {
    return charAt(pos);
  }

  char peekNext() {
    return charAt(pos + 1);
  }

  char charAt(int i) {
    return i >= 0 && i < in.length() ? in.charAt(i) : 0;
  }

  /** The next char, consumed; at the end returns 0 and stays there. */
  char next() {
    char c = peek();
    if (c != 0) {
      pos++;
    }
    return c;
  }

  boolean check(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  void advance(int n) {
    pos += n;
  }

  boolean atEnd() {
    return pos >= in.length();
  }

  int remaining() {
    return Math.max(0, in.length() - pos);
  }

  String slice(int from, int to) {
    return in.substring(from, to);
  }

  /** {@code <number> ::= [n] <non-negative decimal integer>}; -1 on int overflow. */
  int number() {
    boolean negative = false;
    char c = peek();
    if (c == 'n') {
      negative = true;
      pos++;
      c = peek();
    }
    int ret = 0;
    while (true) {
      if (!Ascii.isDigit(c)) {
        return negative ? -ret : ret;
      }
      if (ret > (Integer.MAX_VALUE - (c - '0')) / 10) {
        return -1;
      }
      ret = ret * 10 + (c - '0');
      pos++;
      c = peek();
    }
  }

  /** {@code _} is 0, {@code <number> _} is number+1 (the T_/T0_ and Ut_/Ut0_ scheme); -1 if bad. */
  int compactNumber() {
    int num;
    if (peek() == '_') {
      num = 0;
    } else if (peek() == 'n') {
      return -1;
    } else {
      num = number() + 1; // wraps to negative on overflow, like the C original
    }
    if (num < 0 || !check('_')) {
      return -1;
    }
    return num;
  }

  record Checkpoint(int pos, int nextNode, int subs) {}

  Checkpoint checkpoint() {
    return new Checkpoint(pos, nextNode, subs.size());
  }

  void backtrack(Checkpoint cp) {
    pos = cp.pos();
    nextNode = cp.nextNode();
    subs.truncate(cp.subs());
  }

  // ---- node factory ----

  /** Exclusive upper bound of node ids handed out so far. */
  int idLimit() {
    return maxNodes;
  }

  private Node alloc(Kind kind, Node left, Node right, String text, int num, OperatorInfo op) {
    if (nextNode >= maxNodes) {
      return null;
    }
    return new Node(nextNode++, kind, left, right, text, num, op);
  }

  /** A non-leaf node; null if a child the kind requires is missing. */
  Node make(Kind kind, Node left, Node right) {
    switch (kind.arity) {
      case LEAF:
        throw new IllegalArgumentException(kind.toString());
      case BOTH:
        if (left == null || right == null) {
          return null;
        }
        break;
      case LEFT:
        if (left == null) {
          return null;
        }
        break;
      case RIGHT:
        if (right == null) {
          return null;
        }
        break;
      default:
        break;
    }
    return alloc(kind, left, right, null, 0, null);
  }

  /**
   * Replaces a freshly built, not yet shared node by one with other children (the C original
   * patches such nodes in place). Keeps the id, so no new node is counted.
   */
  Node rebuild(Node old, Node left, Node right) {
    return new Node(old.id(), old.kind(), left, right, old.text(), old.num(), old.op());
  }

  /** Builds an argument list as cons cells (left = element, right = rest), like c++filt. */
  Node list(Kind kind, List<Node> items) {
    Node rest = null;
    for (int i = items.size() - 1; i >= 0; i--) {
      rest = make(kind, items.get(i), rest);
      if (rest == null) {
        return null;
      }
    }
    return rest;
  }

  Node name(String text) {
    Node n = alloc(Kind.NAME, null, null, text, 0, null);
    return n != null && !text.isEmpty() ? n : null;
  }

  Node leaf(Kind kind, int num) {
    return alloc(kind, null, null, null, num, null);
  }

  /** A leaf that wraps another node (ctor/dtor name, lambda signature, default-arg entity). */
  Node wrapper(Kind kind, Node inner, int num) {
    return alloc(kind, inner, null, null, num, null);
  }

  Node standardSub(String text) {
    return alloc(Kind.SUB_STD, null, null, text, 0, null);
  }

  Node builtin(String name, Node.BuiltinPrint print) {
    return alloc(Kind.BUILTIN_TYPE, null, null, name, print.ordinal(), null);
  }

  Node extendedBuiltin(String text) {
    return alloc(Kind.EXTENDED_BUILTIN_TYPE, null, null, text, 0, null);
  }

  Node operator(OperatorInfo op) {
    return alloc(Kind.OPERATOR, null, null, null, 0, op);
  }

  /** Vendor extended operator {@code v <digit> <source-name>}; null without a name. */
  Node extendedOperator(int arity, Node name) {
    Node n = alloc(Kind.EXTENDED_OPERATOR, name, null, null, arity, null);
    return name != null ? n : null;
  }

  /** Constructor/destructor of {@code name}; null without a name to construct. */
  Node ctorDtor(Kind kind, int variant, Node name) {
    Node n = alloc(kind, name, null, null, variant, null);
    return name != null ? n : null;
  }
}
