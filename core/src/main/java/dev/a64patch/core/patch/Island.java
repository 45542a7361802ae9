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

  /**
   * What an island does. A long jump to the trampoline is {@link #LONG_TO} where the padding next
   * to the site has 4 free words, else {@link #SAVE} then {@link #JUMP} (2 and 3 words, wherever
   * they fit within reach of each other); the way back is {@link #LONG_BACK} (3 words) or {@link
   * #LAND} then {@link #RESTORE} (2 words each). Alignment padding between functions is often 1 to
   * 3 words, so the long forms are split into pieces joined by {@code B}.
   */
  public enum Role {
    /** One {@code B}: the next hop towards the trampoline. */
    TO,
    /** One {@code B}: the next hop back towards site + 4. */
    BACK,
    /**
     * Where no chain reaches: lowers SP by 16 and saves the scratch register there in one
     * instruction, then jumps to the trampoline with {@code ADRP}+{@code ADD}+{@code BR} (the
     * trampoline starts with {@code BTI j}).
     */
    LONG_TO,
    /** The first half of {@link #LONG_TO}: the save, then {@code B} to the {@link #JUMP}. */
    SAVE,
    /**
     * The second half of {@link #LONG_TO}: {@code ADRP}+{@code ADD}+{@code BR} to the trampoline.
     */
    JUMP,
    /**
     * The trampoline's {@code BR} lands here: {@code BTI j}, reload the scratch register and raise
     * SP in one instruction, {@code B} site + 4.
     */
    LONG_BACK,
    /** The first half of {@link #LONG_BACK}: {@code BTI j}, {@code B} to the {@link #RESTORE}. */
    LAND,
    /** The second half of {@link #LONG_BACK}: reload and raise SP, {@code B} site + 4. */
    RESTORE;

    /** The external name, in reports and the manifest ({@link Names}). */
    public String id() {
      return Names.id(this);
    }

    public static Role parse(String s) {
      return Names.parse(Role.class, s);
    }

    /** True for the islands on the way to the trampoline (the others lead back to site + 4). */
    public boolean towardsTrampoline() {
      return this == TO || this == LONG_TO || this == SAVE || this == JUMP;
    }

    /** True for the islands that enter the trampoline by {@code BR}, with SP 16 bytes lower. */
    public boolean jumps() {
      return this == LONG_TO || this == JUMP;
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
    Asm a = new Asm(at);
    switch (role) {
      case TO, BACK -> a.b(target);
      case LONG_TO -> a.strPre(s, -16).address(s, target).br(s);
      case SAVE -> a.strPre(s, -16).b(target);
      case JUMP -> a.address(s, target).br(s);
      case LONG_BACK -> a.btiJ().ldrPost(s, 16).b(target);
      case LAND -> a.btiJ().b(target);
      case RESTORE -> a.ldrPost(s, 16).b(target);
    }
    return a.code();
  }

  /** Size in words. */
  public static int words(Role role) {
    return encode(role, 0x10000, 0x20000, 0).size();
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
