package dev.a64patch.core.scan;

import dev.a64patch.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * Whether a read sits inside a loop: a direct backward branch ({@code B}, {@code B.cond}, {@code
 * CBZ/CBNZ}, {@code TBZ/TBNZ}) at or after the read, in the same function, whose target is at or
 * before it. Rewriting such a read in place ({@code zero}, {@code nop}) turns a wait on the counter
 * into one that never ends, or that reads a stale value.
 */
public final class Loops {
  /** How far a loop is searched for when no function extent is known, in bytes each way. */
  static final long WINDOW = 4096;

  private Loops() {}

  /** A backward branch spanning a read: {@code from} branches back to {@code to}. */
  public record Loop(long from, long to) {}

  public static Optional<Loop> around(ElfFile elf, Finding f) {
    List<CodeRegion> regions = CodeRegion.of(elf);
    CodeRegion region =
        regions.stream()
            .filter(r -> r.name().equals(f.section()) && r.containsOffset(f.offset()))
            .findFirst()
            .orElse(null);
    if (region == null) {
      return Optional.empty();
    }
    long lo = Math.max(region.address(), f.address() - WINDOW);
    long hi = Math.min(region.address() + region.size(), f.address() + WINDOW);
    Optional<SymbolIndex.Function> fn =
        SymbolIndex.of(elf).functionAt(f.address(), region.sectionIndex());
    if (fn.isPresent()) {
      lo = Math.max(region.address(), fn.get().start());
      hi = Math.min(region.address() + region.size(), fn.get().end());
    }
    ByteBuffer b = elf.bytes();
    for (long pc = f.address(); pc + 4 <= hi; pc += 4) {
      int w = b.getInt((int) (region.offset() + (pc - region.address())));
      long t;
      if (A64Shapes.isB(w)) {
        t = A64Shapes.branch26(w, pc);
      } else if (A64Shapes.isBcond(w) || A64Shapes.isCbz(w)) {
        t = A64Shapes.branch19(w, pc);
      } else if (A64Shapes.isTbz(w)) {
        t = A64Shapes.branch14(w, pc);
      } else {
        continue;
      }
      if (t <= f.address() && t >= lo) {
        return Optional.of(new Loop(pc, t));
      }
    }
    return Optional.empty();
  }
}
