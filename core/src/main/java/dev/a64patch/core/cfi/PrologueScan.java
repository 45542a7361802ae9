package dev.a64patch.core.cfi;

import static dev.a64patch.core.cfi.Dwarf.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frame at a site of a function that has no CFI (hand-written assembly), from its code: the
 * instructions from the function's start to the site, if they are straight-line and only build a
 * frame in the usual ways ({@code sub sp}, {@code stp}/{@code str} to {@code [sp]} with or without
 * pre-index, {@code mov x29, sp}, {@code paciasp}/{@code pacibsp}, hints). Anything else that could
 * move SP or LR, and any branch, makes the answer unknown: then the caller assumes the function's
 * entry state.
 */
public final class PrologueScan {
  /** The row at the site, and whether the return address is signed with the B key. */
  public record Frame(Row row, boolean bKey) {}

  private PrologueScan() {}

  /**
   * @param words the instruction words from the function's start up to (not including) the site
   * @return the frame, or null when the code is not a recognised straight-line prologue
   */
  public static Frame at(long site, List<Integer> words) {
    long cfa = 0; // CFA = SP + cfa
    Map<Integer, Rule> rules = new HashMap<>();
    boolean signed = false;
    boolean bKey = false;
    for (int w : words) {
      if (w == 0xD503233F || w == 0xD503237F) { // paciasp, pacibsp
        signed = true;
        bKey = w == 0xD503237F;
      } else if ((w & 0xFFFFF01F) == 0xD503201F) { // hints: nop, bti, ...
        continue;
      } else if ((w & 0xFFC003FF) == 0xD10003FF) { // sub sp, sp, #imm{, lsl 12}
        cfa += imm12(w);
      } else if ((w & 0xFFC003E0) == 0xA98003E0) { // stp xa, xb, [sp, #imm]!
        cfa -= imm7(w);
        save(rules, w & 0x1F, -cfa);
        save(rules, (w >>> 10) & 0x1F, 8 - cfa);
      } else if ((w & 0xFFC003E0) == 0xA90003E0) { // stp xa, xb, [sp, #imm]
        save(rules, w & 0x1F, imm7(w) - cfa);
        save(rules, (w >>> 10) & 0x1F, imm7(w) + 8 - cfa);
      } else if ((w & 0xFFE00FE0) == 0xF8000FE0) { // str xa, [sp, #simm9]!
        cfa -= simm9(w);
        save(rules, w & 0x1F, -cfa);
      } else if ((w & 0xFFC003E0) == 0xF90003E0) { // str xa, [sp, #imm]
        save(rules, w & 0x1F, ((w >>> 10) & 0xFFF) * 8L - cfa);
      } else if ((w & 0xFFC003FF) == 0x910003FD) { // add x29, sp, #imm (mov x29, sp)
        continue; // x29 is a frame pointer now; the CFA stays SP-based
      } else if ((w & 0xFFF00000) == 0xD5300000) { // mrs xt, <sysreg>: an earlier read
        int rt = w & 0x1F;
        if (rt >= 19 && rt <= 30 && !rules.containsKey(rt)) {
          return null; // overwrites a register the caller still needs, unsaved
        }
      } else {
        return null;
      }
    }
    return new Frame(new Row(site, Cfa.of(SP, cfa), rules, signed), bKey);
  }

  /** Records a callee-saved register's (or LR's) first save; other stores are not frame state. */
  private static void save(Map<Integer, Rule> rules, int reg, long offset) {
    if (reg >= 19 && reg <= 30) {
      rules.putIfAbsent(reg, new Rule.Offset(offset));
    }
  }

  private static long imm12(int w) {
    return ((w >>> 10) & 0xFFF) << (((w >>> 22) & 1) * 12);
  }

  private static long imm7(int w) {
    return (((w >>> 15) & 0x7F) << 25 >> 25) * 8L;
  }

  private static long simm9(int w) {
    return ((w >>> 12) & 0x1FF) << 23 >> 23;
  }
}
