package dev.a64patch.core.demangle;

/**
 * Turns a parse tree into text exactly as c++filt (GNU binutils 2.40, libiberty's d_print_comp)
 * does.
 *
 * <p>This class prints names, templates, lambdas and dispatches the rest: modifiers (pointers,
 * references, qualifiers, function and array types) to {@link ModifierPrinter}, expressions to
 * {@link ExpressionPrinter}, special names to {@link SpecialNames}. Template parameters ({@code
 * T_}) print as the argument they stand for, found through a stack of the templates currently in
 * scope.
 *
 * <p>Printing fails (returns null) in the same places c++filt does: an unresolvable template
 * parameter, a node re-entered more than twice (a substitution cycle) or nesting beyond 1024
 * levels. On top of that it gives up on outputs over {@link #MAX_OUTPUT} characters or more than
 * {@link #MAX_STEPS} steps, which only adversarial inputs (exponentially shared substitutions)
 * reach.
 */
final class Printer {

  /** MAX_RECURSION_COUNT of libiberty's printer. */
  static final int MAX_RECURSION = 1024;

  static final int MAX_OUTPUT = 1 << 20;
  static final long MAX_STEPS = 1L << 22;

  /** A template whose arguments are in scope; a linked stack. */
  record TemplateScope(Node decl, TemplateScope next) {}

  private record Frame(Node node, Frame parent) {}

  private final StringBuilder out = new StringBuilder();

  /** Last char appended; deliberately not updated when a ", " is taken back (as in C). */
  private char lastChar;

  private boolean failed;
  private long steps;
  private int recursion;
  TemplateScope templates;
  ModifierPrinter.Mod modifiers;
  int packIndex;
  int lambdaTplParms;
  private Frame stack;
  private Node currentTemplate;
  private final int[] printing;
  private final ExpressionPrinter exprs = new ExpressionPrinter(this);
  private final ModifierPrinter mods;

  private Printer(Node root, int idLimit) {
    printing = new int[idLimit];
    ScopeCounter counter = new ScopeCounter(idLimit);
    counter.count(root);
    mods =
        new ModifierPrinter(this, counter.savedScopes, counter.copyTemplates * counter.savedScopes);
  }

  /** The text c++filt prints for {@code root}, or null when c++filt would fail. */
  static String print(Node root, int idLimit) {
    Printer printer = new Printer(root, idLimit);
    printer.print(root);
    return printer.failed ? null : printer.out.toString();
  }

  // ---- output primitives ----

  void append(char c) {
    if (out.length() >= MAX_OUTPUT) {
      failed = true;
      return;
    }
    out.append(c);
    lastChar = c;
  }

  void append(String s) {
    for (int i = 0; i < s.length(); i++) {
      append(s.charAt(i));
    }
  }

  void appendNum(int n) {
    append(Integer.toString(n));
  }

  char lastChar() {
    return lastChar;
  }

  void fail() {
    failed = true;
  }

  boolean failed() {
    return failed;
  }

  /** Counts work; false (and failed) once the budget is exhausted. */
  boolean step() {
    if (++steps > MAX_STEPS) {
      failed = true;
    }
    return !failed;
  }

  // ---- the component printer ----

  /** d_print_comp: guards against loops and runaway nesting, then prints. */
  void print(Node dc) {
    if (dc == null
        || dc.id() < 0
        || printing[dc.id()] > 1
        || recursion > MAX_RECURSION
        || !step()) {
      failed = true;
      return;
    }
    printing[dc.id()]++;
    recursion++;
    stack = new Frame(dc, stack);
    printInner(dc);
    stack = stack.parent();
    printing[dc.id()]--;
    recursion--;
  }

  private void printInner(Node dc) {
    if (failed) {
      return;
    }
    switch (dc.kind()) {
      case NAME:
      case SUB_STD:
      case BUILTIN_TYPE:
      case EXTENDED_BUILTIN_TYPE:
        append(dc.text());
        return;
      case TAGGED_NAME:
        print(dc.left());
        append("[abi:");
        print(dc.right());
        append(']');
        return;
      case STRUCTURED_BINDING:
        append('[');
        for (Node n = dc; ; ) {
          print(n.left());
          n = n.right();
          if (n == null) {
            break;
          }
          append(", ");
        }
        append(']');
        return;
      case MODULE_ENTITY:
        print(dc.left());
        append('@');
        print(dc.right());
        return;
      case MODULE_NAME:
      case MODULE_PARTITION:
        if (dc.left() != null) {
          print(dc.left());
        }
        if (dc.is(Kind.MODULE_PARTITION)) {
          append(':');
        } else if (dc.left() != null) {
          append('.');
        }
        print(dc.right());
        return;
      case QUAL_NAME:
      case LOCAL_NAME:
        print(dc.left());
        append("::");
        printLocalEntity(dc.right());
        return;
      case TYPED_NAME:
        mods.printTypedName(dc);
        return;
      case TEMPLATE:
        printTemplate(dc);
        return;
      case TEMPLATE_PARAM:
        printTemplateParam(dc);
        return;
      case CTOR:
        print(dc.left());
        return;
      case DTOR:
        append('~');
        print(dc.left());
        return;
      case RESTRICT:
      case VOLATILE:
      case CONST:
        // Arrays push the same cv-qualifier more than once; print it only once.
        for (ModifierPrinter.Mod m = modifiers; m != null; m = m.next) {
          if (!m.printed) {
            if (!m.mod.kind().isCv()) {
              break;
            }
            if (m.mod.kind() == dc.kind()) {
              print(dc.left());
              return;
            }
          }
        }
        mods.printModifier(dc, null, false, null);
        return;
      case REFERENCE:
      case RVALUE_REFERENCE:
        mods.printReference(dc);
        return;
      case VENDOR_TYPE_QUAL:
      case POINTER:
      case COMPLEX:
      case IMAGINARY:
      case RESTRICT_THIS:
      case VOLATILE_THIS:
      case CONST_THIS:
      case REFERENCE_THIS:
      case RVALUE_REFERENCE_THIS:
      case TRANSACTION_SAFE:
      case NOEXCEPT:
      case THROW_SPEC:
        mods.printModifier(dc, null, false, null);
        return;
      case VENDOR_TYPE:
        print(dc.left());
        return;
      case FUNCTION_TYPE:
        if (dc.left() != null) {
          // The return type is printed first, with this function type pushed as a
          // modifier so that a pointer-to-function return type wraps around it.
          ModifierPrinter.Mod m = mods.push(dc);
          print(dc.left());
          modifiers = m.next;
          if (m.printed) {
            return;
          }
          append(' ');
        }
        mods.printFunctionType(dc, modifiers);
        return;
      case ARRAY_TYPE:
        mods.printArray(dc);
        return;
      case PTRMEM_TYPE:
      case VECTOR_TYPE:
        {
          ModifierPrinter.Mod m = mods.push(dc);
          print(dc.right());
          if (!m.printed) {
            mods.printMod(dc);
          }
          modifiers = m.next;
          return;
        }
      case ARGLIST:
      case TEMPLATE_ARGLIST:
        if (dc.left() != null) {
          print(dc.left());
        }
        if (dc.right() != null) {
          append(", ");
          int len = out.length();
          print(dc.right());
          if (out.length() == len && !failed) {
            out.setLength(len - 2); // the rest was an empty pack
          }
        }
        return;
      case OPERATOR:
        {
          String name = dc.op().name();
          append("operator");
          if (Ascii.isLower(name.charAt(0))) {
            append(' '); // operator new, operator delete, operator sizeof ...
          }
          append(name.endsWith(" ") ? name.substring(0, name.length() - 1) : name);
          return;
        }
      case EXTENDED_OPERATOR:
        append("operator ");
        print(dc.left());
        return;
      case CONVERSION:
        append("operator ");
        printConversion(dc);
        return;
      case NUMBER:
        appendNum(dc.num());
        return;
      case DECLTYPE:
        append("decltype (");
        print(dc.left());
        append(')');
        return;
      case LAMBDA:
        printLambda(dc);
        return;
      case UNNAMED_TYPE:
        append("{unnamed type#");
        appendNum(dc.num() + 1);
        append('}');
        return;
      case CLONE:
        print(dc.left());
        append(" [clone ");
        print(dc.right());
        append(']');
        return;
      case TEMPLATE_HEAD:
        {
          append('<');
          int count = 0;
          for (Node parm = dc.left(); parm != null; parm = parm.right()) {
            if (count++ > 0) {
              append(", ");
            }
            print(parm);
          }
          append('>');
          return;
        }
      case TEMPLATE_TYPE_PARM:
        append("typename");
        return;
      case TEMPLATE_NON_TYPE_PARM:
        print(dc.left());
        return;
      case TEMPLATE_TEMPLATE_PARM:
        append("template");
        print(dc.left());
        append(" class");
        return;
      case TEMPLATE_PACK_PARM:
        print(dc.left());
        append("...");
        return;
      default:
        if (!SpecialNames.print(this, dc) && !exprs.print(dc)) {
          failed = true;
        }
    }
  }

  /** The entity after "::" of a qualified or local name ({default arg#N}:: if present). */
  private void printLocalEntity(Node entity) {
    if (entity.is(Kind.DEFAULT_ARG)) {
      append("{default arg#");
      appendNum(entity.num() + 1);
      append("}::");
      entity = entity.left();
    }
    print(entity);
  }

  /**
   * {@code name<args>}, never emitting "&lt;&lt;" or "&gt;&gt;" (hence "vector&lt;int&gt; &gt;").
   */
  private void printTemplate(Node dc) {
    Node holdCurrent = currentTemplate;
    currentTemplate = dc;
    ModifierPrinter.Mod holdModifiers = modifiers;
    modifiers = null; // modifiers outside do not apply inside the argument list
    print(dc.left());
    if (lastChar == '<') {
      append(' ');
    }
    append('<');
    print(dc.right());
    if (lastChar == '>') {
      append(' ');
    }
    append('>');
    modifiers = holdModifiers;
    currentTemplate = holdCurrent;
  }

  private void printTemplateParam(Node dc) {
    int index = dc.num();
    if (lambdaTplParms > index + 1) {
      // An explicit template parameter of the lambda being printed: $T0, $N1, $TT2.
      Node a = templates == null || templates.decl() == null ? null : templates.decl().left();
      for (int c = index; a != null && c > 0; c--) {
        a = a.right();
      }
      if (a != null && a.is(Kind.TEMPLATE_PACK_PARM)) {
        a = a.left();
      }
      if (a == null) {
        failed = true;
      } else {
        printLambdaParmName(a.kind(), index);
      }
    } else if (lambdaTplParms > 0) {
      // A generic lambda's "auto" parameter is an invented template parameter.
      append("auto:");
      appendNum(index + 1);
    } else {
      Node a = lookupTemplateArgument(dc);
      if (a != null && a.is(Kind.TEMPLATE_ARGLIST)) {
        a = indexTemplateArgument(a, packIndex);
      }
      if (a == null) {
        failed = true;
        return;
      }
      // The argument may itself mention parameters of an enclosing template.
      TemplateScope hold = templates;
      templates = hold.next();
      print(a);
      templates = hold;
    }
  }

  private void printLambdaParmName(Kind kind, int index) {
    switch (kind) {
      case TEMPLATE_TYPE_PARM:
        append("$T");
        break;
      case TEMPLATE_NON_TYPE_PARM:
        append("$N");
        break;
      case TEMPLATE_TEMPLATE_PARM:
        append("$TT");
        break;
      default:
        failed = true;
        break;
    }
    appendNum(index);
  }

  /** {@code {lambda<typename $T0>(auto:1, int)#2}}. */
  private void printLambda(Node dc) {
    append("{lambda");
    Node parms = dc.left();
    int savedTplParms = lambdaTplParms;
    lambdaTplParms = 0;
    TemplateScope scope = new TemplateScope(null, templates);
    if (parms != null && parms.is(Kind.TEMPLATE_HEAD)) {
      scope = new TemplateScope(parms, templates);
      templates = scope;
      append('<');
      for (Node parm = parms.left(); parm != null; parm = parm.right()) {
        if (lambdaTplParms++ > 0) {
          append(", ");
        }
        print(parm);
        append(' ');
        if (parm.is(Kind.TEMPLATE_PACK_PARM)) {
          parm = parm.left(); // (so, as in c++filt, nothing after a pack is shown)
        }
        printLambdaParmName(parm.kind(), lambdaTplParms - 1);
      }
      append('>');
      parms = parms.right();
    }
    templates = scope;
    lambdaTplParms++;
    append('(');
    print(parms);
    lambdaTplParms = savedTplParms;
    templates = scope.next();
    append(")#");
    appendNum(dc.num() + 1);
    append('}');
  }

  /** A conversion operator's type may use the parameters of the enclosing template. */
  private void printConversion(Node dc) {
    TemplateScope scope = null;
    if (currentTemplate != null) {
      scope = new TemplateScope(currentTemplate, templates);
      templates = scope;
    }
    print(dc.left());
    if (scope != null) {
      templates = scope.next();
    }
  }

  /** Whether {@code sub}, or {@code dc} further up than the current node, is being printed. */
  boolean isBelow(Node sub, Node dc) {
    for (Frame f = stack; f != null; f = f.parent()) {
      if (f.node() == sub || (f.node() == dc && f != stack)) {
        return true;
      }
    }
    return false;
  }

  // ---- template argument lookup ----

  Node lookupTemplateArgument(Node param) {
    if (templates == null || templates.decl() == null) {
      failed = true;
      return null;
    }
    return indexTemplateArgument(templates.decl().right(), param.num());
  }

  /** The i-th element of a template argument list (the whole list when i &lt; 0). */
  static Node indexTemplateArgument(Node args, int i) {
    if (i < 0) {
      return args;
    }
    Node a = args;
    for (; a != null; a = a.right()) {
      if (!a.is(Kind.TEMPLATE_ARGLIST)) {
        return null;
      }
      if (i <= 0) {
        break;
      }
      --i;
    }
    if (i != 0 || a == null) {
      return null;
    }
    return a.left();
  }
}
