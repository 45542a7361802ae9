package dev.a64patch.core.cfi;

import static dev.a64patch.core.cfi.Dwarf.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The call-frame rows of one trampoline. A trampoline stands in for the patched function at the
 * site: unwinding from any of its instructions must find the same caller registers as unwinding
 * from the site. So each row is the site's row, adjusted for what the trampoline has done to the
 * stack by then:
 *
 * <ul>
 *   <li>an SP-based CFA grows by the bytes the trampoline has pushed, so it stays the same address;
 *   <li>a callee-saved register (x19-x30) that the site left in place, and that the trampoline has
 *       saved to its stack (the clock trampolines save x17-x30 around the svc, which rr's syscall
 *       hooks may clobber), is described by its slot until it is reloaded; the same for a CFA based
 *       on such a register;
 *   <li>everything else, including the PAC sign state of the return address, is as at the site.
 * </ul>
 *
 * The stack effects are read from the trampoline's own instruction words (SUB/ADD SP, STR/STP/LDR/
 * LDP relative to SP), so the rows follow the code the writer emits, whatever it is.
 */
public final class TrampolineFrames {
  private TrampolineFrames() {}

  /**
   * The rows of the trampoline starting at {@code start}: its first instruction's, then one at each
   * instruction whose rules differ from the row before (an FDE describes no others); or null when
   * the site's rules depend on the register the trampoline writes ({@code rt}), which it cannot
   * describe. A row per instruction held and compared about fifteen rule maps per trampoline: most
   * of the unwind tables' time and memory for thousands of sites (docs/performance.md, "Ninth
   * round").
   */
  public static List<Row> rows(Row site, long start, List<Integer> words, int rt) {
    return rows(site, start, words, rt, 0);
  }

  /**
   * As {@link #rows(Row, long, List, int)} for a trampoline entered with SP already {@code
   * entryPushed} bytes below the site's (behind a long island, which restores it): that many bytes
   * are pushed at its first instruction and still at its last.
   */
  public static List<Row> rows(Row site, long start, List<Integer> words, int rt, int entryPushed) {
    List<Row> out = new ArrayList<>();
    long pushed = entryPushed;
    Map<Integer, Long> slots = new HashMap<>(); // register -> its slot, relative to the site's SP
    // A row depends on pushed and slots alone (and its location): where an instruction changes
    // neither, the next row has the same rules.
    boolean changed = true;
    for (int i = 0; i < words.size(); i++) {
      if (changed) {
        Row row = row(site, start + 4L * i, pushed, slots, rt);
        if (row == null) {
          return null;
        }
        if (out.isEmpty() || !row.sameRules(out.get(out.size() - 1))) {
          out.add(row);
        }
      }
      int w = words.get(i);
      changed = true;
      if (isSpAdjust(w, 0xD1000000)) {
        pushed += imm12(w);
      } else if (isSpAdjust(w, 0x91000000)) {
        pushed -= imm12(w);
      } else if ((w & 0x1F) == 31 && writesSp(w)) {
        throw new IllegalStateException(String.format("unexpected SP write 0x%08x", w));
      } else if ((w & 0xFFC003E0) == 0xF90003E0) { // STR Xt, [SP, #imm]
        slots.put(w & 0x1F, scaled(w) - pushed);
      } else if ((w & 0xFFC003E0) == 0xA90003E0) { // STP Xt1, Xt2, [SP, #imm]
        slots.put(w & 0x1F, imm7(w) - pushed);
        slots.put((w >>> 10) & 0x1F, imm7(w) + 8 - pushed);
      } else if ((w & 0xFFC003E0) == 0xF94003E0) { // LDR Xt, [SP, #imm]
        reload(slots, w & 0x1F, scaled(w) - pushed);
      } else if ((w & 0xFFC003E0) == 0xA94003E0) { // LDP Xt1, Xt2, [SP, #imm]
        reload(slots, w & 0x1F, imm7(w) - pushed);
        reload(slots, (w >>> 10) & 0x1F, imm7(w) + 8 - pushed);
      } else {
        changed = false;
      }
    }
    if (pushed != entryPushed) {
      throw new IllegalStateException("trampoline leaves SP moved by " + (pushed - entryPushed));
    }
    return out;
  }

  /** Registers whose slot is described while they are saved: the callee-saved ones and LR. */
  private static boolean described(int reg, Row site) {
    Rule r = site.rules().get(reg);
    return (reg >= 19 && reg <= 30 && r == null) || r instanceof Rule.SameValue;
  }

  private static Row row(Row site, long loc, long pushed, Map<Integer, Long> slots, int rt) {
    Cfa cfa = site.cfa();
    if (!cfa.isExpression()) {
      if (cfa.register() == SP) {
        cfa = Cfa.of(SP, cfa.offset() + pushed);
      } else if (slots.containsKey(cfa.register())) {
        cfa = Cfa.expression(slotValuePlus(slots.get(cfa.register()) + pushed, cfa.offset()));
      } else if (cfa.register() == rt) {
        return null;
      }
    } else if (mentionsSp(cfa.expression())) {
      return null;
    }
    Map<Integer, Rule> rules = new HashMap<>(site.rules());
    for (Map.Entry<Integer, Rule> e : site.rules().entrySet()) {
      if (e.getValue() instanceof Rule.Register r) {
        if (slots.containsKey(r.register())) {
          rules.put(e.getKey(), new Rule.Expression(breg31(slots.get(r.register()) + pushed)));
        } else if (r.register() == rt) {
          return null;
        }
      } else if ((e.getValue() instanceof Rule.Expression x && mentionsSp(x.expression()))
          || (e.getValue() instanceof Rule.ValExpression v && mentionsSp(v.expression()))) {
        return null;
      }
    }
    for (Map.Entry<Integer, Long> s : slots.entrySet()) {
      if (described(s.getKey(), site)) {
        rules.put(s.getKey(), new Rule.Expression(breg31(s.getValue() + pushed)));
      }
    }
    return new Row(loc, cfa, rules, site.raSigned());
  }

  private static void reload(Map<Integer, Long> slots, int reg, long slot) {
    Long at = slots.get(reg);
    if (at != null && at == slot) {
      slots.remove(reg);
    }
  }

  private static boolean isSpAdjust(int w, int base) {
    return (w & 0xFFC003FF) == (base | 31 << 5 | 31);
  }

  /** Data-processing (immediate) ADD/SUB forms whose Rd=31 means SP. */
  private static boolean writesSp(int w) {
    return (w & 0x3F000000) == 0x11000000; // S=0: ADDS/SUBS with Rd=31 write XZR
  }

  private static long imm12(int w) {
    return ((w >>> 10) & 0xFFF) << (((w >>> 22) & 1) * 12);
  }

  private static long scaled(int w) {
    return ((w >>> 10) & 0xFFF) * 8L;
  }

  private static long imm7(int w) {
    return (((w >>> 15) & 0x7F) << 25 >> 25) * 8L;
  }

  /** {@code DW_OP_breg31 off}: SP + off, the address of a slot. */
  static byte[] breg31(long off) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(OP_BREG0 + SP);
    FrameWriter.sleb(b, off);
    return b.toByteArray();
  }

  /** {@code *(SP + slot) + offset}: a CFA based on a register saved in a slot. */
  private static byte[] slotValuePlus(long slot, long offset) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(breg31(slot));
    b.write(OP_DEREF);
    if (offset >= 0) {
      b.write(OP_PLUS_UCONST);
      FrameWriter.uleb(b, offset);
    } else {
      b.write(OP_CONSTS);
      FrameWriter.sleb(b, offset);
      b.write(OP_PLUS);
    }
    return b.toByteArray();
  }

  /** Whether an expression reads SP (DW_OP_breg31 or DW_OP_reg31), which the trampoline moves. */
  private static boolean mentionsSp(byte[] expression) {
    for (byte b : expression) {
      if ((b & 0xff) == OP_BREG0 + SP || (b & 0xff) == OP_REG0 + SP) {
        return true; // conservative: may also match an operand byte
      }
    }
    return false;
  }
}
