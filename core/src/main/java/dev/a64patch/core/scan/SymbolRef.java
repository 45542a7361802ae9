package dev.a64patch.core.scan;

/**
 * The function symbol enclosing a finding: its name as stored, the demangled form (equal
 * to {@code name} for C names or when demangling failed), and the offset into it.
 */
public record SymbolRef(String name, String demangled, long offset) {
    /** {@code demangled+0x1c} */
    public String display() {
        return offset == 0 ? demangled : demangled + "+0x" + Long.toHexString(offset);
    }
}
