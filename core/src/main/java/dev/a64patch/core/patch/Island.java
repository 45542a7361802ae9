package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.encode.Asm;
import dev.a64patch.core.encode.Insn;
import java.util.List;

/**
 * Code a64patch writes into executable padding of the original file (docs/design.md, section 10) so
 * that a site beyond the ±128 MiB reach of {@code B} still gets to its trampoline and back.
 *
 * @param role what the island does
 * @param address where it is mapped
 * @param offset its file offset
 * @param original the words it replaces (padding: {@code nop} or zero)
 * @param code its instructions, encoded once by the planner ({@link #encode})
 * @param target where it branches
 */
public record Island(
    Role role, long address, long offset, List<Integer> original, List<Insn> code, long target) {

  public enum Role {
    /** One {@code B}: the next hop towards the trampoline. */
    TO,
    /** One {@code B}: the next hop back towards site + 4. */
    BACK,
    /**
     * Where no chain reaches: lowers SP by 16, saves the scratch register there and jumps to the
     * trampoline with {@code ADRP}+{@code ADD}+{@code BR} (the trampoline starts with {@code BTI
     * j}).
     */
    LONG_TO,
    /**
     * The trampoline's {@code BR} lands here: {@code BTI j}, restore, raise SP, {@code B} site + 4.
     */
    LONG_BACK;

    /** The external name, in reports and the manifest ({@link Names}). */
    public String id() {
      return Names.id(this);
    }

    public static Role parse(String s) {
      return Names.parse(Role.class, s);
    }

    public boolean towardsTrampoline() {
      return this == TO || this == LONG_TO;
    }
  }

  public Island {
    original = List.copyOf(original);
    code = List.copyOf(code);
  }

  /**
   * The instructions of an island of {@code role} at {@code at} branching to {@code target}, for a
   * site reading into {@code rt} (the long islands borrow {@link Trampolines#scratch}).
   */
  public static List<Insn> encode(Role role, long at, long target, int rt) {
    int s = Trampolines.scratch(rt);
    return switch (role) {
      case TO, BACK -> new Asm(at).b(target).code();
      case LONG_TO -> new Asm(at).subSp(16).str(s, 0).address(s, target).br(s).code();
      case LONG_BACK -> new Asm(at).btiJ().ldr(s, 0).addSp(16).b(target).code();
    };
  }

  /** Size in words. */
  public static int words(Role role) {
    return switch (role) {
      case TO, BACK -> 1;
      case LONG_TO -> 5;
      case LONG_BACK -> 4;
    };
  }

  /** True for the islands on the way to the trampoline (the others lead back to site + 4). */
  public boolean towardsTrampoline() {
    return role.towardsTrampoline();
  }

  /** This island branching to {@code to} instead. */
  Island retargeted(long to, int rt) {
    return new Island(role, address, offset, original, encode(role, address, to, rt), to);
  }

  public long end() {
    return address + 4L * code.size();
  }
}
