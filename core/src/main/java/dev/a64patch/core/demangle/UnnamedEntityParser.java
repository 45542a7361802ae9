package dev.a64patch.core.demangle;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of entities that have no plain name of their own: {@code <local-name>} (entities inside a
 * function body, {@code f()::x}), closure types of lambdas ({@code {lambda(int)#1}}), unnamed types
 * ({@code {unnamed type#1}}) and structured bindings ({@code [a, b]}).
 */
final class UnnamedEntityParser {

  private final Parser p;

  UnnamedEntityParser(Parser p) {
    this.p = p;
  }

  /** {@code DC <source-name>+ E}: a structured binding declaration, printed {@code [a, b]}. */
  Node structuredBinding() {
    p.advance(2);
    List<Node> names = new ArrayList<>();
    do {
      Node n = p.names.sourceName();
      if (n == null) {
        return null;
      }
      names.add(n);
    } while (p.peek() != 'E');
    p.advance(1);
    Node chain = null;
    for (int i = names.size() - 1; i >= 0; i--) {
      chain = p.make(Kind.STRUCTURED_BINDING, names.get(i), chain);
    }
    return chain;
  }

  /**
   * {@code <local-name> ::= Z <function encoding> E <entity name> [<discriminator>] | Z <function
   * encoding> E s [<discriminator>] | Z <function encoding> Ed [<number>] _ <entity name>}.
   */
  Node localName() {
    if (!p.check('Z')) {
      return null;
    }
    Node function = p.encodings.encoding(false);
    if (function == null || !p.check('E')) {
      return null;
    }
    Node entity;
    if (p.peek() == 's') {
      p.advance(1);
      if (!discriminator()) {
        return null;
      }
      entity = p.name("string literal");
    } else {
      int defaultArg = -1;
      if (p.peek() == 'd') {
        p.advance(1);
        defaultArg = p.compactNumber();
        if (defaultArg < 0) {
          return null;
        }
      }
      entity = p.names.name(false);
      // Lambdas and unnamed types carry their own numbers; others may have "_ <n>".
      if (entity != null
          && !entity.is(Kind.LAMBDA)
          && !entity.is(Kind.UNNAMED_TYPE)
          && !discriminator()) {
        return null;
      }
      if (defaultArg >= 0) {
        entity = p.wrapper(Kind.DEFAULT_ARG, entity, defaultArg);
      }
    }
    // c++filt omits the return type of the enclosing function ("f()::x", not "int f()::x").
    if (function.is(Kind.TYPED_NAME) && function.right().is(Kind.FUNCTION_TYPE)) {
      Node ftype = function.right();
      function = p.rebuild(function, function.left(), p.rebuild(ftype, null, ftype.right()));
    }
    return p.make(Kind.LOCAL_NAME, function, entity);
  }

  /**
   * {@code <discriminator> ::= _ <digit> | __ <number> _}; also accepts GCC's old {@code _
   * <number>} for numbers over 9. Discriminators are parsed but never printed.
   */
  boolean discriminator() {
    if (p.peek() != '_') {
      return true;
    }
    p.advance(1);
    boolean twoUnderscores = false;
    if (p.peek() == '_') {
      twoUnderscores = true;
      p.advance(1);
    }
    int discriminator = p.number();
    if (discriminator < 0) {
      return false;
    }
    if (twoUnderscores && discriminator >= 10) {
      return p.check('_');
    }
    return true;
  }

  /**
   * {@code <closure-type-name> ::= Ul [<template-head>] <lambda-sig> E [<number>] _}, printed
   * {@code {lambda(int)#1}}; the number is one less than the printed ordinal.
   */
  Node lambda() {
    if (!p.check('U') || !p.check('l')) {
      return null;
    }
    boolean[] bad = {false};
    Node head = templateHead(bad);
    if (bad[0]) {
      return null;
    }
    Node params = p.types.parmlist();
    if (params == null) {
      return null;
    }
    if (head != null) {
      params = p.rebuild(head, head.left(), params);
    }
    if (!p.check('E')) {
      return null;
    }
    int num = p.compactNumber();
    if (num < 0) {
      return null;
    }
    return p.wrapper(Kind.LAMBDA, params, num);
  }

  /** {@code <template-head> ::= <template-param-decl>+}: explicit lambda template parameters. */
  Node templateHead(boolean[] bad) {
    List<Node> parms = new ArrayList<>();
    Node parm;
    while ((parm = templateParamDecl(bad)) != null) {
      parms.add(parm);
    }
    if (parms.isEmpty()) {
      return null;
    }
    Node chain = null;
    for (int i = parms.size() - 1; i >= 0; i--) {
      chain = p.rebuild(parms.get(i), parms.get(i).left(), chain);
    }
    return p.make(Kind.TEMPLATE_HEAD, chain, null);
  }

  /** {@code <template-param-decl> ::= Ty | Tn <type> | Tt <template-head> E | Tp <decl>}. */
  Node templateParamDecl(boolean[] bad) {
    if (p.peek() != 'T') {
      return null;
    }
    Node op;
    Kind kind;
    switch (p.peekNext()) {
      case 'p':
        p.advance(2);
        op = templateParamDecl(bad);
        kind = Kind.TEMPLATE_PACK_PARM;
        break;
      case 'y':
        p.advance(2);
        op = null;
        kind = Kind.TEMPLATE_TYPE_PARM;
        break;
      case 'n':
        p.advance(2);
        op = p.types.type();
        kind = Kind.TEMPLATE_NON_TYPE_PARM;
        break;
      case 't':
        p.advance(2);
        op = templateHead(bad);
        if (op != null && !p.check('E')) {
          op = null;
        }
        kind = Kind.TEMPLATE_TEMPLATE_PARM;
        break;
      default:
        return null;
    }
    if (op == null && kind != Kind.TEMPLATE_TYPE_PARM) {
      bad[0] = true;
      return null;
    }
    return p.make(kind, op, null);
  }

  /** {@code <unnamed-type-name> ::= Ut [<number>] _}; itself a substitution candidate. */
  Node unnamedType() {
    if (!p.check('U') || !p.check('t')) {
      return null;
    }
    int num = p.compactNumber();
    if (num < 0) {
      return null;
    }
    Node ret = p.leaf(Kind.UNNAMED_TYPE, num);
    return p.subs.add(ret) ? ret : null;
  }
}
