package dev.a64patch.core.demangle;

import java.util.List;

/**
 * Name productions: {@code <name>}, {@code <nested-name>}, {@code <prefix>}, {@code
 * <unqualified-name>}, {@code <source-name>}, constructor/destructor names, substitutions, ABI tags
 * and C++20 module names.
 */
final class NameParser {

  /** Returned by {@link #maybeModuleName} on failure (null means "no module"). */
  static final Node FAILED = new Node(-1, Kind.NAME, null, null, "", 0, null);

  private final Parser p;

  NameParser(Parser p) {
    this.p = p;
  }

  /**
   * {@code <name> ::= <nested-name> | <unscoped-name> | <unscoped-template-name> <template-args> |
   * <local-name>}.
   *
   * @param substitutable whether the whole name is a substitution candidate (it is when it is used
   *     as a {@code <class-enum-type>})
   */
  Node name(boolean substitutable) {
    Node dc = null;
    boolean fromSubstitution = false;
    switch (p.peek()) {
      case 'N':
        dc = nestedName();
        break;
      case 'Z':
        dc = p.entities.localName();
        break;
      case 'U':
        dc = unqualifiedName(null, null);
        break;
      default:
        {
          Node module = null;
          if (p.peek() == 'S') {
            if (p.peekNext() == 't') {
              // "St <unqualified-name>" is ::std::name.
              p.advance(2);
              dc = p.name("std");
            }
            if (p.peek() == 'S') {
              module = substitution(false);
              if (module == null) {
                return null;
              }
              if (!module.is(Kind.MODULE_NAME) && !module.is(Kind.MODULE_PARTITION)) {
                if (dc != null) {
                  return null;
                }
                fromSubstitution = true;
                dc = module;
                module = null;
              }
            }
          }
          if (!fromSubstitution) {
            dc = unqualifiedName(dc, module);
          }
          if (p.peek() == 'I') {
            // <unscoped-template-name> <template-args>: the template name is a
            // candidate unless it came from a substitution itself.
            if (!fromSubstitution && !p.subs.add(dc)) {
              return null;
            }
            dc = p.make(Kind.TEMPLATE, dc, p.types.templateArgs());
            fromSubstitution = false;
          }
          break;
        }
    }
    if (substitutable && !fromSubstitution && !p.subs.add(dc)) {
      return null;
    }
    return dc;
  }

  /**
   * {@code <nested-name> ::= N [<CV-qualifiers>] [<ref-qualifier>] <prefix> <unqualified-name> E}.
   * The qualifiers belong to the implicit object parameter of a member function and print after its
   * parameter list.
   */
  private Node nestedName() {
    if (!p.check('N')) {
      return null;
    }
    List<TypeParser.Qual> quals = p.types.cvQualifiers(true);
    if (quals == null) {
      return null;
    }
    Kind refQual = null;
    if (p.peek() == 'R' || p.peek() == 'O') {
      refQual = p.next() == 'R' ? Kind.REFERENCE_THIS : Kind.RVALUE_REFERENCE_THIS;
    }
    Node prefix = prefix(true);
    if (prefix == null) {
      return null;
    }
    Node ret = p.types.wrap(quals, prefix);
    if (refQual != null) {
      ret = p.make(refQual, ret, null);
    }
    if (!p.check('E')) {
      return null;
    }
    return ret;
  }

  /**
   * {@code <prefix>}: a sequence of components, each added as a substitution candidate except the
   * last (ABI: "the <prefix> of a <nested-name> [is substitutable], but not the complete nested
   * name" - the caller decides about the whole).
   *
   * @param substitutable false inside an {@code <unresolved-name>}, whose qualifiers are not
   *     candidates
   */
  Node prefix(boolean substitutable) {
    Node ret = null;
    while (true) {
      char peek = p.peek();
      if (peek == 'D' && (p.peekNext() == 'T' || p.peekNext() == 't')) {
        if (ret != null) {
          return null;
        }
        ret = p.types.type(); // decltype(...)::
      } else if (peek == 'I') {
        if (ret == null) {
          return null;
        }
        Node args = p.types.templateArgs();
        if (args == null) {
          return null;
        }
        ret = p.make(Kind.TEMPLATE, ret, args);
      } else if (peek == 'T') {
        if (ret != null) {
          return null;
        }
        ret = p.types.templateParam();
      } else if (peek == 'M') {
        // "M": the preceding name is the initializer scope of a lambda; nothing to show.
        p.advance(1);
        continue;
      } else {
        Node module = null;
        if (peek == 'S') {
          module = substitution(true);
          if (module == null) {
            return null;
          }
          if (!module.is(Kind.MODULE_NAME) && !module.is(Kind.MODULE_PARTITION)) {
            if (ret != null) {
              return null;
            }
            ret = module;
            continue; // already a candidate
          }
        }
        ret = unqualifiedName(ret, module);
      }
      if (ret == null) {
        return null;
      }
      if (p.peek() == 'E') {
        return ret;
      }
      if (substitutable && !p.subs.add(ret)) {
        return null;
      }
    }
  }

  /**
   * {@code <module-name> ::= W <source-name> | WP <source-name>}, repeated; each step is a
   * substitution candidate.
   *
   * @return the (possibly unchanged) module, or {@link #FAILED}
   */
  Node maybeModuleName(Node module) {
    while (p.peek() == 'W') {
      p.advance(1);
      Kind code = Kind.MODULE_NAME;
      if (p.peek() == 'P') {
        code = Kind.MODULE_PARTITION;
        p.advance(1);
      }
      module = p.make(code, module, sourceName());
      if (module == null || !p.subs.add(module)) {
        return FAILED;
      }
    }
    return module;
  }

  /**
   * {@code <unqualified-name> ::= [<module-name>] (<operator-name> | <ctor-dtor-name> |
   * <source-name> | L <source-name> <discriminator> | DC <source-name>+ E | <unnamed-type-name>)
   * [<abi-tags>]}.
   *
   * @param scope the qualifier to prepend, or null
   */
  Node unqualifiedName(Node scope, Node module) {
    module = maybeModuleName(module);
    if (module == FAILED) {
      return null;
    }
    char peek = p.peek();
    Node ret;
    if (Ascii.isDigit(peek)) {
      ret = sourceName();
    } else if (Ascii.isLower(peek)) {
      boolean wasExpression = p.isExpression;
      if (peek == 'o' && p.peekNext() == 'n') {
        p.advance(2);
        p.isExpression = false; // "on cv <type>" names a conversion operator
      }
      ret = p.exprs.operatorName();
      p.isExpression = wasExpression;
      if (ret != null && ret.is(Kind.OPERATOR) && ret.op().code().equals("li")) {
        ret = p.make(Kind.UNARY, ret, sourceName()); // operator"" _suffix
      }
    } else if (peek == 'D' && p.peekNext() == 'C') {
      ret = p.entities.structuredBinding();
    } else if (peek == 'C' || peek == 'D') {
      ret = ctorDtorName();
    } else if (peek == 'L') {
      p.advance(1);
      ret = sourceName();
      if (ret == null || !p.entities.discriminator()) {
        return null;
      }
    } else if (peek == 'U') {
      if (p.peekNext() == 'l') {
        ret = p.entities.lambda();
      } else if (p.peekNext() == 't') {
        ret = p.entities.unnamedType();
      } else {
        return null;
      }
    } else {
      return null;
    }
    if (module != null) {
      ret = p.make(Kind.MODULE_ENTITY, ret, module);
    }
    if (p.peek() == 'B') {
      ret = abiTags(ret);
    }
    if (scope != null) {
      ret = p.make(Kind.QUAL_NAME, scope, ret);
    }
    return ret;
  }

  /** {@code <abi-tags> ::= (B <source-name>)+}, printed {@code name[abi:tag]}. */
  Node abiTags(Node dc) {
    Node holdLastName = p.lastName; // a tag is not what a following C1/D1 refers to
    while (p.peek() == 'B') {
      p.advance(1);
      Node tag = sourceName();
      dc = p.make(Kind.TAGGED_NAME, dc, tag);
    }
    p.lastName = holdLastName;
    return dc;
  }

  /** {@code <source-name> ::= <positive length number> <identifier>}. */
  Node sourceName() {
    int len = p.number();
    if (len <= 0) {
      return null;
    }
    Node ret = identifier(len);
    p.lastName = ret;
    return ret;
  }

  private Node identifier(int len) {
    if (p.remaining() < len) {
      return null;
    }
    String text = p.slice(p.pos, p.pos + len);
    p.advance(len);
    // GCC names anonymous namespaces "_GLOBAL__N_1" (older: "_GLOBAL_.N.foo.cc...").
    if (len >= 10 && text.startsWith("_GLOBAL_")) {
      char sep = text.charAt(8);
      if ((sep == '.' || sep == '_' || sep == '$') && text.charAt(9) == 'N') {
        return p.name("(anonymous namespace)");
      }
    }
    return p.name(text);
  }

  /**
   * {@code <ctor-dtor-name>}: the ABI's C1 (complete object constructor), C2 (base object
   * constructor), C3 (complete object allocating constructor), CI1/CI2 {@code <type>} (inheriting
   * constructors), D0 (deleting destructor), D1 (complete object destructor), D2 (base object
   * destructor), plus GCC's C4/C5/D4/D5 (unified and group variants). c++filt prints all variants
   * alike, named after the last source name seen - the class name - or, for an inheriting
   * constructor, the last name inside its base type.
   */
  private Node ctorDtorName() {
    if (p.peek() == 'C') {
      boolean inheriting = false;
      if (p.peekNext() == 'I') {
        inheriting = true;
        p.advance(1);
      }
      char variant = p.peekNext();
      if (variant < '1' || variant > '5') {
        return null;
      }
      p.advance(2);
      if (inheriting) {
        p.types.type(); // the base class of an inheriting constructor; not printed
      }
      return p.ctorDtor(Kind.CTOR, variant - '0', p.lastName);
    }
    if (p.peek() == 'D') {
      char variant = p.peekNext();
      if (variant != '0' && variant != '1' && variant != '2' && variant != '4' && variant != '5') {
        return null;
      }
      p.advance(2);
      return p.ctorDtor(Kind.DTOR, variant - '0', p.lastName);
    }
    return null;
  }

  /**
   * {@code <substitution> ::= S_ | S <seq-id> _ | St | Sa | Sb | Ss | Si | So | Sd}.
   *
   * @param prefix used as the prefix of a qualified name (only matters without DMGL_VERBOSE, which
   *     c++filt always sets)
   */
  Node substitution(boolean prefix) {
    if (!p.check('S')) {
      return null;
    }
    char c = p.next();
    if (c == '_' || Ascii.isDigit(c) || Ascii.isUpper(c)) {
      // seq-id is base 36; S_ is entry 0 and S<n>_ is entry n+1. Computed in unsigned
      // 32-bit arithmetic with c++filt's (wrap-around based) overflow check.
      long id = 0;
      if (c != '_') {
        do {
          long digit;
          if (Ascii.isDigit(c)) {
            digit = c - '0';
          } else if (Ascii.isUpper(c)) {
            digit = c - 'A' + 10;
          } else {
            return null;
          }
          long newId = (id * 36 + digit) & 0xFFFFFFFFL;
          if (newId < id) {
            return null;
          }
          id = newId;
          c = p.next();
        } while (c != '_');
        id = (id + 1) & 0xFFFFFFFFL;
      }
      return p.subs.get(id);
    }
    SubstitutionTable.StandardSub std = SubstitutionTable.standard(c);
    if (std == null) {
      return null;
    }
    if (std.lastName() != null) {
      p.lastName = p.standardSub(std.lastName()); // so that SsC1 prints basic_string()
    }
    Node dc = p.standardSub(std.full());
    if (p.peek() == 'B') {
      // An abbreviation with ABI tags becomes a new candidate.
      dc = abiTags(dc);
      if (!p.subs.add(dc)) {
        return null;
      }
    }
    return dc;
  }
}
