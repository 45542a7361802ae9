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
    BACK;

    /** The external name, in reports and the manifest ({@link Names}). */
    public String id() {
      return Names.id(this);
    }

    public static Role parse(String s) {
      return Names.parse(Role.class, s);
    }
  }

  public Island {
    original = List.copyOf(original);
    code = List.copyOf(code);
  }

  /** The instructions of an island of {@code role} at {@code at} branching to {@code target}. */
  public static List<Insn> encode(Role role, long at, long target) {
    return switch (role) {
      case TO, BACK -> new Asm(at).b(target).code();
    };
  }

  /** Size in words. */
  public static int words(Role role) {
    return 1;
  }

  /** This island branching to {@code to} instead. */
  Island retargeted(long to) {
    return new Island(role, address, offset, original, encode(role, address, to), to);
  }

  public long end() {
    return address + 4L * code.size();
  }
}
