package dev.a64patch.core.cfi;

import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the call-frame table: the rules in effect from {@code loc} on.
 *
 * @param rules register number to rule; registers absent have no rule (libgcc and gdb treat
 *     callee-saved ones as unchanged)
 * @param raSigned whether the return address is signed with PAC here (toggled by
 *     DW_CFA_AARCH64_negate_ra_state)
 */
public record Row(long loc, Cfa cfa, Map<Integer, Rule> rules, boolean raSigned) {
  public Row {
    // No map of its own for a row without rules (a trampoline in a leaf function has three):
    // a sorted map and its views took about 700 bytes of every site's heap.
    rules =
        rules.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(rules));
  }

  public Row at(long newLoc) {
    return new Row(newLoc, cfa, rules, raSigned);
  }

  /** The same rules, ignoring the location. */
  public boolean sameRules(Row o) {
    return cfa.equals(o.cfa) && rules.equals(o.rules) && raSigned == o.raSigned;
  }
}
