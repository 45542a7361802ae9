package dev.a64patch.core.cfi;

import static dev.a64patch.core.cfi.Dwarf.*;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an FDE's call-frame program (after its CIE's initial instructions) and yields the rows of
 * the table (DWARF 5 §6.4.2): every DW_CFA operation GCC and Clang emit for AArch64, including
 * remember/restore_state and DW_CFA_AARCH64_negate_ra_state (PAC), whose state is remembered with
 * the rest of the row as libgcc and LLVM's libunwind do.
 */
public final class CfaProgram {
  /** The program cannot be interpreted: an unknown opcode or a truncated operand. */
  public static final class BadProgram extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadProgram(String message) {
      super(message);
    }
  }

  private final Fde fde;
  private final boolean littleEndian;
  private Cfa cfa = Cfa.of(SP, 0);
  private Map<Integer, Rule> rules = new HashMap<>();
  private boolean raSigned;
  private Map<Integer, Rule> initialRules = Map.of();
  private long loc;
  private final List<Row> rows = new ArrayList<>();
  private final Deque<Row> stack = new ArrayDeque<>();

  private CfaProgram(Fde fde, boolean littleEndian) {
    this.fde = fde;
    this.littleEndian = littleEndian;
  }

  /**
   * All rows of {@code fde}, in address order; consecutive rows may hold the same rules (one per
   * location the program advanced to).
   */
  public static List<Row> rows(Fde fde, boolean littleEndian) {
    CfaProgram p = new CfaProgram(fde, littleEndian);
    p.loc = fde.pcBegin();
    p.run(fde.cie().initialInstructions(), true);
    p.initialRules = new HashMap<>(p.rules);
    p.run(fde.instructions(), false);
    p.rows.add(p.snapshot());
    return List.copyOf(p.rows);
  }

  /** The row in effect at {@code pc}, which must lie in the FDE's range. */
  public static Row rowAt(Fde fde, long pc, boolean littleEndian) {
    Row found = null;
    for (Row r : rows(fde, littleEndian)) {
      if (Long.compareUnsigned(r.loc(), pc) <= 0) {
        found = r;
      } else {
        break;
      }
    }
    return found == null ? null : found.at(pc);
  }

  private Row snapshot() {
    return new Row(loc, cfa, rules, raSigned);
  }

  private void advance(long units) {
    long next = loc + units * fde.cie().codeAlign();
    rows.add(snapshot());
    loc = next;
  }

  private void run(byte[] program, boolean initial) {
    Bytes in = new Bytes(ByteBuffer.wrap(program), 0, littleEndian, 0);
    Cie cie = fde.cie();
    try {
      while (in.pos() < in.limit()) {
        int op = in.u8();
        int low = op & 0x3f;
        switch (op & 0xc0) {
          case CFA_ADVANCE_LOC -> {
            advance(low);
            continue;
          }
          case CFA_OFFSET -> {
            rules.put(low, new Rule.Offset(in.uleb() * cie.dataAlign()));
            continue;
          }
          case CFA_RESTORE -> {
            restore(low);
            continue;
          }
          default -> {}
        }
        switch (op) {
          case CFA_NOP -> {}
          case CFA_SET_LOC -> {
            long to = in.pointer(cie.fdeEncoding() & 0x0f);
            rows.add(snapshot());
            loc = to;
          }
          case CFA_ADVANCE_LOC1 -> advance(in.u8());
          case CFA_ADVANCE_LOC2 -> advance(in.u16());
          case CFA_ADVANCE_LOC4 -> advance(in.u32());
          case CFA_OFFSET_EXTENDED ->
              rules.put(reg(in.uleb()), new Rule.Offset(in.uleb() * cie.dataAlign()));
          case CFA_OFFSET_EXTENDED_SF ->
              rules.put(reg(in.uleb()), new Rule.Offset(in.sleb() * cie.dataAlign()));
          case CFA_GNU_NEGATIVE_OFFSET_EXTENDED ->
              rules.put(reg(in.uleb()), new Rule.Offset(-in.uleb() * cie.dataAlign()));
          case CFA_VAL_OFFSET ->
              rules.put(reg(in.uleb()), new Rule.ValOffset(in.uleb() * cie.dataAlign()));
          case CFA_VAL_OFFSET_SF ->
              rules.put(reg(in.uleb()), new Rule.ValOffset(in.sleb() * cie.dataAlign()));
          case CFA_RESTORE_EXTENDED -> restore(reg(in.uleb()));
          case CFA_UNDEFINED -> rules.put(reg(in.uleb()), new Rule.Undefined());
          case CFA_SAME_VALUE -> rules.put(reg(in.uleb()), new Rule.SameValue());
          case CFA_REGISTER -> rules.put(reg(in.uleb()), new Rule.Register(reg(in.uleb())));
          case CFA_REMEMBER_STATE -> stack.push(snapshot());
          case CFA_RESTORE_STATE -> {
            if (stack.isEmpty()) {
              throw new BadProgram("DW_CFA_restore_state without remember_state");
            }
            Row r = stack.pop();
            cfa = r.cfa(); // the location is not restored
            rules = new HashMap<>(r.rules());
            raSigned = r.raSigned();
          }
          case CFA_DEF_CFA -> cfa = Cfa.of(reg(in.uleb()), in.uleb());
          case CFA_DEF_CFA_SF -> cfa = Cfa.of(reg(in.uleb()), in.sleb() * cie.dataAlign());
          case CFA_DEF_CFA_REGISTER -> cfa = Cfa.of(reg(in.uleb()), cfa.offset());
          case CFA_DEF_CFA_OFFSET -> cfa = Cfa.of(cfa.register(), in.uleb());
          case CFA_DEF_CFA_OFFSET_SF -> cfa = Cfa.of(cfa.register(), in.sleb() * cie.dataAlign());
          case CFA_DEF_CFA_EXPRESSION -> cfa = Cfa.expression(in.bytes(in.uleb()));
          case CFA_EXPRESSION -> {
            int r = reg(in.uleb());
            rules.put(r, new Rule.Expression(in.bytes(in.uleb())));
          }
          case CFA_VAL_EXPRESSION -> {
            int r = reg(in.uleb());
            rules.put(r, new Rule.ValExpression(in.bytes(in.uleb())));
          }
          case CFA_AARCH64_NEGATE_RA_STATE -> raSigned = !raSigned;
          case CFA_GNU_ARGS_SIZE -> in.uleb();
          default ->
              throw new BadProgram(
                  String.format(
                      "unknown call-frame instruction 0x%02x in the %s at 0x%x",
                      op, initial ? "CIE" : "FDE", initial ? cie.vaddr() : fde.vaddr()));
        }
      }
    } catch (Bytes.Truncated e) {
      throw new BadProgram(
          String.format(
              "call-frame program of the %s at 0x%x is truncated",
              initial ? "CIE" : "FDE", initial ? cie.vaddr() : fde.vaddr()));
    }
  }

  private void restore(int r) {
    Rule initial = initialRules.get(r);
    if (initial == null) {
      rules.remove(r);
    } else {
      rules.put(r, initial);
    }
  }

  private static int reg(long r) {
    if (r < 0 || r > 4096) {
      throw new BadProgram("register number " + r);
    }
    return (int) r;
  }
}
