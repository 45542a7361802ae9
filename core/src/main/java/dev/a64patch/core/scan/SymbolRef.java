package dev.a64patch.core.scan;

/**
 * The function enclosing a finding: its symbol name as stored, the demangled form (equal to {@code
 * name} for C names, or when c++filt is not installed or cannot demangle it), and the offset into
 * it. A function known only from the unwind tables (a static function of a stripped file) has an
 * empty {@code name} and is shown as {@code sub_<start>}. {@code source} says where the extent came
 * from: {@value #SYMTAB}, {@value #DYNSYM} or {@value #EH_FRAME}.
 */
public record SymbolRef(String name, String demangled, long offset, String source) {
  public static final String SYMTAB = "symtab";
  public static final String DYNSYM = "dynsym";
  public static final String EH_FRAME = "eh_frame";

  static SymbolRef unnamed(long start, long offset) {
    return new SymbolRef("", "sub_" + Long.toHexString(start), offset, EH_FRAME);
  }

  SymbolRef withDemangled(String form) {
    return new SymbolRef(name, form, offset, source);
  }

  /** True when no symbol names the function (its extent comes from .eh_frame). */
  public boolean unnamed() {
    return name.isEmpty();
  }

  /** {@code demangled+0x1c} */
  public String display() {
    return offset == 0 ? demangled : demangled + "+0x" + Long.toHexString(offset);
  }
}
