package dev.a64patch.core.demangle;

/**
 * Pre-pass of the printer (libiberty's d_count_templates_scopes): counts the templates and the
 * references-to-template-parameter in the tree. c++filt sizes fixed arrays from these counts and
 * fails when printing needs more, so the printer must know the same limits to fail alike.
 */
final class ScopeCounter {

  private final int[] visits;
  private int recursion;
  int copyTemplates;
  int savedScopes;

  ScopeCounter(int idLimit) {
    visits = new int[idLimit];
  }

  void count(Node dc) {
    // Each node is counted at most twice, which keeps this linear on shared subtrees.
    if (dc == null || dc.id() < 0 || visits[dc.id()] > 1 || recursion > Printer.MAX_RECURSION) {
      return;
    }
    visits[dc.id()]++;
    switch (dc.kind()) {
      case NAME:
      case TEMPLATE_PARAM:
      case FUNCTION_PARAM:
      case SUB_STD:
      case BUILTIN_TYPE:
      case EXTENDED_BUILTIN_TYPE:
      case OPERATOR:
      case NUMBER:
      case UNNAMED_TYPE:
      case STRUCTURED_BINDING:
      case MODULE_NAME:
      case MODULE_PARTITION:
      case MODULE_INIT:
      case TEMPLATE_HEAD:
      case TEMPLATE_TYPE_PARM:
      case TEMPLATE_NON_TYPE_PARM:
      case TEMPLATE_TEMPLATE_PARM:
      case TEMPLATE_PACK_PARM:
        return;
      case CTOR:
      case DTOR:
      case EXTENDED_OPERATOR:
      case GLOBAL_CONSTRUCTORS:
      case GLOBAL_DESTRUCTORS:
      case MODULE_ENTITY:
      case LAMBDA:
      case DEFAULT_ARG:
        count(dc.left());
        return;
      case TEMPLATE:
        copyTemplates++;
        break;
      case REFERENCE:
      case RVALUE_REFERENCE:
        if (dc.left().is(Kind.TEMPLATE_PARAM)) {
          savedScopes++;
        }
        break;
      default:
        break;
    }
    if (recursion > Parser.RECURSION_LIMIT) {
      return;
    }
    recursion++;
    count(dc.left());
    count(dc.right());
    recursion--;
  }
}
