package dev.a64patch.core.demangle;

import java.util.EnumMap;
import java.util.Map;

/** Printing of the {@code <special-name>} kinds: "vtable for X", "guard variable for x", ... */
final class SpecialNames {

  private static final Map<Kind, String> PREFIX = new EnumMap<>(Kind.class);

  static {
    PREFIX.put(Kind.VTABLE, "vtable for ");
    PREFIX.put(Kind.VTT, "VTT for ");
    PREFIX.put(Kind.TYPEINFO, "typeinfo for ");
    PREFIX.put(Kind.TYPEINFO_NAME, "typeinfo name for ");
    PREFIX.put(Kind.TYPEINFO_FN, "typeinfo fn for ");
    PREFIX.put(Kind.THUNK, "non-virtual thunk to ");
    PREFIX.put(Kind.VIRTUAL_THUNK, "virtual thunk to ");
    PREFIX.put(Kind.COVARIANT_THUNK, "covariant return thunk to ");
    PREFIX.put(Kind.JAVA_CLASS, "java Class for ");
    PREFIX.put(Kind.GUARD, "guard variable for ");
    PREFIX.put(Kind.TLS_INIT, "TLS init function for ");
    PREFIX.put(Kind.TLS_WRAPPER, "TLS wrapper function for ");
    PREFIX.put(Kind.HIDDEN_ALIAS, "hidden alias for ");
    PREFIX.put(Kind.TRANSACTION_CLONE, "transaction clone for ");
    PREFIX.put(Kind.NONTRANSACTION_CLONE, "non-transaction clone for ");
    PREFIX.put(Kind.TPARM_OBJ, "template parameter object for ");
    PREFIX.put(Kind.MODULE_INIT, "initializer for module ");
    PREFIX.put(Kind.GLOBAL_CONSTRUCTORS, "global constructors keyed to ");
    PREFIX.put(Kind.GLOBAL_DESTRUCTORS, "global destructors keyed to ");
  }

  private SpecialNames() {}

  /** Prints {@code dc} if it is a special name; false if it is not one. */
  static boolean print(Printer out, Node dc) {
    String prefix = PREFIX.get(dc.kind());
    if (prefix != null) {
      out.append(prefix);
      out.print(dc.left());
      return true;
    }
    if (dc.is(Kind.CONSTRUCTION_VTABLE)) {
      // TC <derived> <offset> _ <base>: the vtable of base used while constructing derived.
      out.append("construction vtable for ");
      out.print(dc.left());
      out.append("-in-");
      out.print(dc.right());
      return true;
    }
    if (dc.is(Kind.REFTEMP)) {
      out.append("reference temporary #");
      out.print(dc.right());
      out.append(" for ");
      out.print(dc.left());
      return true;
    }
    return false;
  }
}
