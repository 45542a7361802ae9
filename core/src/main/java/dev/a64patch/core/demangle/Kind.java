package dev.a64patch.core.demangle;

/**
 * The kinds of {@link Node}. They follow the component types of the GNU libiberty demangler
 * (cp-demangle.c), because c++filt's spacing and parenthesisation rules are defined in terms of
 * that tree shape; a different tree would need a different, unverifiable set of printing rules.
 */
enum Kind {
  // Leaves: built by dedicated factories, never by Parser.make().
  NAME(Arity.LEAF),
  TEMPLATE_PARAM(Arity.LEAF),
  FUNCTION_PARAM(Arity.LEAF),
  CTOR(Arity.LEAF),
  DTOR(Arity.LEAF),
  SUB_STD(Arity.LEAF),
  BUILTIN_TYPE(Arity.LEAF),
  EXTENDED_BUILTIN_TYPE(Arity.LEAF),
  OPERATOR(Arity.LEAF),
  EXTENDED_OPERATOR(Arity.LEAF),
  NUMBER(Arity.LEAF),
  LAMBDA(Arity.LEAF),
  DEFAULT_ARG(Arity.LEAF),
  UNNAMED_TYPE(Arity.LEAF),

  // Both children required.
  QUAL_NAME(Arity.BOTH),
  LOCAL_NAME(Arity.BOTH),
  TYPED_NAME(Arity.BOTH),
  TAGGED_NAME(Arity.BOTH),
  TEMPLATE(Arity.BOTH),
  CONSTRUCTION_VTABLE(Arity.BOTH),
  VENDOR_TYPE_QUAL(Arity.BOTH),
  PTRMEM_TYPE(Arity.BOTH),
  UNARY(Arity.BOTH),
  BINARY(Arity.BOTH),
  BINARY_ARGS(Arity.BOTH),
  TRINARY(Arity.BOTH),
  TRINARY_ARG1(Arity.BOTH),
  LITERAL(Arity.BOTH),
  LITERAL_NEG(Arity.BOTH),
  VENDOR_EXPR(Arity.BOTH),
  VECTOR_TYPE(Arity.BOTH),
  CLONE(Arity.BOTH),
  MODULE_ENTITY(Arity.BOTH),

  // Left child required.
  VTABLE(Arity.LEFT),
  VTT(Arity.LEFT),
  TYPEINFO(Arity.LEFT),
  TYPEINFO_NAME(Arity.LEFT),
  TYPEINFO_FN(Arity.LEFT),
  THUNK(Arity.LEFT),
  VIRTUAL_THUNK(Arity.LEFT),
  COVARIANT_THUNK(Arity.LEFT),
  JAVA_CLASS(Arity.LEFT),
  GUARD(Arity.LEFT),
  TLS_INIT(Arity.LEFT),
  TLS_WRAPPER(Arity.LEFT),
  REFTEMP(Arity.LEFT),
  HIDDEN_ALIAS(Arity.LEFT),
  TRANSACTION_CLONE(Arity.LEFT),
  NONTRANSACTION_CLONE(Arity.LEFT),
  POINTER(Arity.LEFT),
  REFERENCE(Arity.LEFT),
  RVALUE_REFERENCE(Arity.LEFT),
  COMPLEX(Arity.LEFT),
  IMAGINARY(Arity.LEFT),
  VENDOR_TYPE(Arity.LEFT),
  CAST(Arity.LEFT),
  CONVERSION(Arity.LEFT),
  DECLTYPE(Arity.LEFT),
  PACK_EXPANSION(Arity.LEFT),
  GLOBAL_CONSTRUCTORS(Arity.LEFT),
  GLOBAL_DESTRUCTORS(Arity.LEFT),
  NULLARY(Arity.LEFT),
  TRINARY_ARG2(Arity.LEFT),
  TPARM_OBJ(Arity.LEFT),
  STRUCTURED_BINDING(Arity.LEFT),
  MODULE_INIT(Arity.LEFT),
  TEMPLATE_HEAD(Arity.LEFT),
  TEMPLATE_NON_TYPE_PARM(Arity.LEFT),
  TEMPLATE_TEMPLATE_PARM(Arity.LEFT),
  TEMPLATE_PACK_PARM(Arity.LEFT),

  // Right child required, left optional.
  ARRAY_TYPE(Arity.RIGHT),
  INITIALIZER_LIST(Arity.RIGHT),
  MODULE_NAME(Arity.RIGHT),
  MODULE_PARTITION(Arity.RIGHT),

  // Either child may be absent (filled in by the caller, or genuinely empty).
  FUNCTION_TYPE(Arity.ANY),
  RESTRICT(Arity.ANY),
  VOLATILE(Arity.ANY),
  CONST(Arity.ANY),
  ARGLIST(Arity.ANY),
  TEMPLATE_ARGLIST(Arity.ANY),
  TEMPLATE_TYPE_PARM(Arity.ANY),

  // Function-type qualifiers ("this" qualifiers, ref-qualifiers, exception specs).
  RESTRICT_THIS(Arity.ANY, true),
  VOLATILE_THIS(Arity.ANY, true),
  CONST_THIS(Arity.ANY, true),
  REFERENCE_THIS(Arity.ANY, true),
  RVALUE_REFERENCE_THIS(Arity.ANY, true),
  TRANSACTION_SAFE(Arity.ANY, true),
  NOEXCEPT(Arity.ANY, true),
  THROW_SPEC(Arity.ANY, true);

  /** Which children {@link Parser#make} insists on; a missing one means a failed sub-parse. */
  enum Arity {
    LEAF,
    BOTH,
    LEFT,
    RIGHT,
    ANY
  }

  final Arity arity;

  /** True for function-type qualifiers, which print after the parameter list. */
  final boolean fnQual;

  Kind(Arity arity) {
    this(arity, false);
  }

  Kind(Arity arity, boolean fnQual) {
    this.arity = arity;
    this.fnQual = fnQual;
  }

  /** Plain (non-"this") cv-qualifiers, which arrays and function types treat specially. */
  boolean isCv() {
    return this == RESTRICT || this == VOLATILE || this == CONST;
  }
}
