package dev.a64patch.core.demangle;

import java.util.ArrayList;
import java.util.List;

/**
 * The modifier half of the printer: pointers, references, cv- and ref-qualifiers, array and
 * function types, whose text goes partly before and partly after the thing they modify.
 *
 * <p>C declarators are inside-out: in {@code int (*f)(char)} the pointer is printed between the
 * return and parameter types. So modifiers are pushed on a stack ({@link Printer#modifiers}) while
 * the type they modify is printed, and whoever can place them correctly - a function type, an array
 * type, or finally the modifier itself - prints them and marks them printed.
 */
final class ModifierPrinter {

  private record SavedScope(Node container, Printer.TemplateScope templates) {}

  private final Printer p;
  private final List<SavedScope> savedScopes = new ArrayList<>();
  private final int numSavedScopes;
  private final int numCopyTemplates;
  private int nextCopyTemplate;

  /**
   * @param numSavedScopes scopes c++filt allocates for references to template parameters
   * @param numCopyTemplates template-list entries it allocates for copying into those scopes
   */
  ModifierPrinter(Printer p, int numSavedScopes, int numCopyTemplates) {
    this.p = p;
    this.numSavedScopes = numSavedScopes;
    this.numCopyTemplates = numCopyTemplates;
  }

  /** A modifier waiting to be printed. Mutable: whoever prints it sets {@code printed}. */
  static final class Mod {
    Node mod;
    boolean printed;
    Printer.TemplateScope templates;
    Mod next;

    Mod(Node mod, boolean printed, Printer.TemplateScope templates, Mod next) {
      this.mod = mod;
      this.printed = printed;
      this.templates = templates;
      this.next = next;
    }
  }

  Mod push(Node mod) {
    Mod m = new Mod(mod, false, p.templates, p.modifiers);
    p.modifiers = m;
    return m;
  }

  /**
   * A function name with its type: the name is passed down as a modifier so that it lands between
   * the return type and the parameters; "this" qualifiers (const, &amp;&amp;, noexcept) print after
   * the parameter list.
   */
  void printTypedName(Node dc) {
    Mod holdModifiers = p.modifiers;
    p.modifiers = null;
    List<Mod> slots = new ArrayList<>(4);
    Node typedName = dc.left();
    while (typedName != null) {
      if (slots.size() >= 4) {
        p.fail();
        return;
      }
      slots.add(push(typedName));
      if (!typedName.kind().fnQual) {
        break;
      }
      typedName = typedName.left();
    }
    if (typedName == null) {
      p.fail();
      return;
    }
    if (typedName.is(Kind.LOCAL_NAME)) {
      // A member function of a local class: its qualifiers sit on the local entity but
      // belong to this function. Insert them below the topmost modifier, as C does.
      typedName = typedName.right();
      if (typedName.is(Kind.DEFAULT_ARG)) {
        typedName = typedName.left();
      }
      while (typedName != null && typedName.kind().fnQual) {
        if (slots.size() >= 4) {
          p.fail();
          return;
        }
        Mod top = slots.get(slots.size() - 1);
        Mod copy = new Mod(top.mod, top.printed, top.templates, top);
        slots.add(copy);
        p.modifiers = copy;
        top.mod = typedName;
        top.printed = false;
        top.templates = p.templates;
        typedName = typedName.left();
      }
      if (typedName == null) {
        p.fail();
        return;
      }
    }
    // The arguments of a function template are in scope for its signature.
    boolean isTemplate = typedName.is(Kind.TEMPLATE);
    Printer.TemplateScope scope = null;
    if (isTemplate) {
      scope = new Printer.TemplateScope(typedName, p.templates);
      p.templates = scope;
    }
    p.print(dc.right());
    if (isTemplate) {
      p.templates = scope.next();
    }
    for (int i = slots.size() - 1; i >= 0; i--) {
      Mod m = slots.get(i);
      if (!m.printed) {
        p.append(' ');
        printMod(m.mod);
      }
    }
    p.modifiers = holdModifiers;
  }

  /** References collapse: T&amp; with T = U&amp;&amp; is U&amp;, and so on. */
  void printReference(Node dc) {
    Node sub = dc.left();
    Printer.TemplateScope savedTemplates = null;
    boolean restore = false;
    Node modInner = null;
    if (p.lambdaTplParms == 0 && sub.is(Kind.TEMPLATE_PARAM)) {
      SavedScope scope = null;
      for (SavedScope s : savedScopes) {
        if (s.container() == sub) {
          scope = s;
          break;
        }
      }
      if (scope == null) {
        // First visit: remember the template scope, for when a substitution brings us
        // back here from elsewhere in the tree.
        saveScope(sub);
        if (p.failed()) {
          return;
        }
      } else {
        if (!p.isBelow(sub, dc)) {
          savedTemplates = p.templates;
          p.templates = scope.templates();
          restore = true;
        }
      }
      Node a = p.lookupTemplateArgument(sub);
      if (a != null && a.is(Kind.TEMPLATE_ARGLIST)) {
        a = Printer.indexTemplateArgument(a, p.packIndex);
      }
      if (a == null) {
        if (restore) {
          p.templates = savedTemplates;
        }
        p.fail();
        return;
      }
      sub = a;
    }
    if (sub.is(Kind.REFERENCE) || sub.kind() == dc.kind()) {
      dc = sub;
    } else if (sub.is(Kind.RVALUE_REFERENCE)) {
      modInner = sub.left();
    }
    printModifier(dc, modInner, restore, savedTemplates);
  }

  void saveScope(Node container) {
    if (savedScopes.size() >= numSavedScopes) {
      p.fail();
      return;
    }
    int depth = 0;
    for (Printer.TemplateScope t = p.templates; t != null; t = t.next()) {
      depth++;
    }
    if (nextCopyTemplate + depth > numCopyTemplates) {
      p.fail(); // c++filt's preallocated copy area is exhausted
      nextCopyTemplate = numCopyTemplates;
      savedScopes.add(new SavedScope(container, null));
      return;
    }
    nextCopyTemplate += depth;
    savedScopes.add(new SavedScope(container, p.templates));
  }

  /** Pushes {@code dc} as a modifier, prints what it modifies, then itself if still pending. */
  void printModifier(Node dc, Node modInner, boolean restore, Printer.TemplateScope saved) {
    Mod m = push(dc);
    p.print(modInner != null ? modInner : dc.left());
    if (!m.printed) {
      printMod(dc);
    }
    p.modifiers = m.next;
    if (restore) {
      p.templates = saved;
    }
  }

  /**
   * Arrays: the element type is printed first, then " [N]"; cv-qualifiers on the array are moved
   * onto the element type.
   */
  void printArray(Node dc) {
    Mod hold = p.modifiers;
    List<Mod> slots = new ArrayList<>(4);
    slots.add(push(dc));
    for (Mod m = hold; m != null && m.mod.kind().isCv(); m = m.next) {
      if (!m.printed) {
        if (slots.size() >= 4) {
          p.fail();
          return;
        }
        Mod copy = new Mod(m.mod, m.printed, m.templates, p.modifiers);
        slots.add(copy);
        p.modifiers = copy;
        m.printed = true;
      }
    }
    p.print(dc.right());
    p.modifiers = hold;
    if (slots.get(0).printed) {
      return;
    }
    for (int i = slots.size() - 1; i >= 1; i--) {
      printMod(slots.get(i).mod);
    }
    printArrayType(dc, p.modifiers);
  }

  /** Prints pending modifiers; {@code suffix} selects the "this" qualifiers only. */
  void printModList(Mod mods, boolean suffix) {
    for (; mods != null && !p.failed(); mods = mods.next) {
      if (mods.printed || (!suffix && mods.mod.kind().fnQual)) {
        continue;
      }
      mods.printed = true;
      Printer.TemplateScope hold = p.templates;
      p.templates = mods.templates;
      Node mod = mods.mod;
      if (mod.is(Kind.FUNCTION_TYPE)) {
        printFunctionType(mod, mods.next);
        p.templates = hold;
        return;
      }
      if (mod.is(Kind.ARRAY_TYPE)) {
        printArrayType(mod, mods.next);
        p.templates = hold;
        return;
      }
      if (mod.is(Kind.LOCAL_NAME)) {
        Mod holdModifiers = p.modifiers;
        p.modifiers = null;
        p.print(mod.left());
        p.modifiers = holdModifiers;
        p.append("::");
        Node entity = mod.right();
        if (entity.is(Kind.DEFAULT_ARG)) {
          p.append("{default arg#");
          p.appendNum(entity.num() + 1);
          p.append("}::");
          entity = entity.left();
        }
        while (entity != null && entity.kind().fnQual) {
          entity = entity.left();
        }
        p.print(entity);
        p.templates = hold;
        return;
      }
      printMod(mod);
      p.templates = hold;
    }
  }

  /** Prints one modifier in its postfix position. */
  void printMod(Node mod) {
    switch (mod.kind()) {
      case RESTRICT:
      case RESTRICT_THIS:
        p.append(" restrict");
        return;
      case VOLATILE:
      case VOLATILE_THIS:
        p.append(" volatile");
        return;
      case CONST:
      case CONST_THIS:
        p.append(" const");
        return;
      case TRANSACTION_SAFE:
        p.append(" transaction_safe");
        return;
      case NOEXCEPT:
      case THROW_SPEC:
        p.append(mod.is(Kind.NOEXCEPT) ? " noexcept" : " throw");
        if (mod.right() != null) {
          p.append('(');
          p.print(mod.right());
          p.append(')');
        }
        return;
      case VENDOR_TYPE_QUAL:
        p.append(' ');
        p.print(mod.right());
        return;
      case POINTER:
        p.append('*');
        return;
      case REFERENCE_THIS:
        p.append(" &");
        return;
      case REFERENCE:
        p.append('&');
        return;
      case RVALUE_REFERENCE_THIS:
        p.append(" &&");
        return;
      case RVALUE_REFERENCE:
        p.append("&&");
        return;
      case COMPLEX:
        p.append(" _Complex");
        return;
      case IMAGINARY:
        p.append(" _Imaginary");
        return;
      case PTRMEM_TYPE:
        if (p.lastChar() != '(') {
          p.append(' ');
        }
        p.print(mod.left());
        p.append("::*");
        return;
      case TYPED_NAME:
        p.print(mod.left());
        return;
      case VECTOR_TYPE:
        p.append(" __vector(");
        p.print(mod.left());
        p.append(')');
        return;
      default:
        p.print(mod);
    }
  }

  /** The part of a function type after its return type: {@code (*name)(params) const}. */
  void printFunctionType(Node dc, Mod mods) {
    boolean needParen = false;
    boolean needSpace = false;
    for (Mod m = mods; m != null && !m.printed; m = m.next) {
      switch (m.mod.kind()) {
        case POINTER:
        case REFERENCE:
        case RVALUE_REFERENCE:
          needParen = true;
          break;
        case RESTRICT:
        case VOLATILE:
        case CONST:
        case VENDOR_TYPE_QUAL:
        case COMPLEX:
        case IMAGINARY:
        case PTRMEM_TYPE:
          needSpace = true;
          needParen = true;
          break;
        default:
          break;
      }
      if (needParen) {
        break;
      }
    }
    if (needParen) {
      if (!needSpace && p.lastChar() != '(' && p.lastChar() != '*') {
        needSpace = true;
      }
      if (needSpace && p.lastChar() != ' ') {
        p.append(' ');
      }
      p.append('(');
    }
    Mod hold = p.modifiers;
    p.modifiers = null;
    printModList(mods, false);
    if (needParen) {
      p.append(')');
    }
    p.append('(');
    if (dc.right() != null) {
      p.print(dc.right());
    }
    p.append(')');
    printModList(mods, true);
    p.modifiers = hold;
  }

  /** The part of an array type after its element type: {@code (&)[4]}, {@code [2][3]}. */
  void printArrayType(Node dc, Mod mods) {
    boolean needSpace = true;
    if (mods != null) {
      boolean needParen = false;
      for (Mod m = mods; m != null; m = m.next) {
        if (!m.printed) {
          if (m.mod.is(Kind.ARRAY_TYPE)) {
            needSpace = false;
          } else {
            needParen = true;
            needSpace = true;
          }
          break;
        }
      }
      if (needParen) {
        p.append(" (");
      }
      printModList(mods, false);
      if (needParen) {
        p.append(')');
      }
    }
    if (needSpace) {
      p.append(' ');
    }
    p.append('[');
    if (dc.left() != null) {
      p.print(dc.left());
    }
    p.append(']');
  }
}
