package dev.a64patch.core.patch;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.elf.ElfFile;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hands out island space ({@link IslandSpace}) to the sites beyond the reach of {@code B}: for
 * each, a chain of 4-byte {@code B} hops from the site to its trampoline, and one from the
 * trampoline's last instruction back to site + 4 (docs/design.md, section 10). Each hop is the free
 * word farthest towards the goal within reach of the previous one, which crosses any gap that a
 * chain can cross at all. Each word is used once.
 */
final class IslandPlanner {
  private final ElfFile elf;

  /** Free words: start address -> {end address, file offset of start}. */
  private final TreeMap<Long, long[]> free = new TreeMap<>();

  private IslandPlanner(ElfFile elf, List<IslandSpace.Run> runs) {
    this.elf = elf;
    for (IslandSpace.Run r : runs) {
      free.put(r.address(), new long[] {r.end(), r.offset()});
    }
  }

  static IslandPlanner of(ElfFile elf) {
    return new IslandPlanner(elf, IslandSpace.find(elf));
  }

  /** True when the file has no island space at all. */
  boolean none() {
    return free.isEmpty();
  }

  /**
   * The islands that take {@code site} to the trampoline at {@code trampoline} whose last
   * instruction (the branch back) is at {@code last}, or empty when no chain reaches; nothing is
   * taken then.
   */
  Optional<List<Island>> chain(long site, long trampoline, long last) {
    List<Long> to = new ArrayList<>();
    List<Long> back = new ArrayList<>();
    if (!hops(site, trampoline, to) || !hops(last, site + 4, back)) {
      to.forEach(this::release);
      back.forEach(this::release);
      return Optional.empty();
    }
    List<Island> out = new ArrayList<>();
    for (int i = 0; i < to.size(); i++) {
      out.add(island(Island.Role.TO, to.get(i), i + 1 < to.size() ? to.get(i + 1) : trampoline));
    }
    for (int i = 0; i < back.size(); i++) {
      out.add(
          island(Island.Role.BACK, back.get(i), i + 1 < back.size() ? back.get(i + 1) : site + 4));
    }
    return Optional.of(out);
  }

  /** Takes hops from {@code from} until {@code goal} is within reach; false when stuck. */
  private boolean hops(long from, long goal, List<Long> taken) {
    long at = from;
    long reach = A64.BRANCH_RANGE - Planner.REACH_MARGIN - 4;
    while (!Planner.reaches(at, goal)) {
      long next = goal > at ? highestUpTo(at, at + reach) : lowestFrom(at, at - reach);
      if (next < 0) {
        return false;
      }
      take(next);
      taken.add(next);
      at = next;
    }
    return true;
  }

  /** The highest free word in (after, limit], or -1. */
  private long highestUpTo(long after, long limit) {
    Map.Entry<Long, long[]> e = free.floorEntry(limit);
    if (e == null) {
      return -1;
    }
    long word = Math.min(e.getValue()[0] - 4, limit);
    return word > after ? word : -1;
  }

  /** The lowest free word in [limit, before), or -1. */
  private long lowestFrom(long before, long limit) {
    Map.Entry<Long, long[]> e = free.floorEntry(limit);
    long word;
    if (e != null && e.getValue()[0] > limit) {
      word = limit;
    } else {
      Map.Entry<Long, long[]> next = free.ceilingEntry(limit);
      if (next == null) {
        return -1;
      }
      word = next.getKey();
    }
    return word < before ? word : -1;
  }

  private void take(long word) {
    Map.Entry<Long, long[]> e = free.floorEntry(word);
    long start = e.getKey();
    long end = e.getValue()[0];
    long offset = e.getValue()[1];
    free.remove(start);
    if (word > start) {
      free.put(start, new long[] {word, offset});
    }
    if (word + 4 < end) {
      free.put(word + 4, new long[] {end, offset + (word + 4 - start)});
    }
  }

  private void release(long word) {
    free.put(word, new long[] {word + 4, offsetOf(word)});
  }

  private long offsetOf(long address) {
    return elf.offsetOf(address).orElseThrow();
  }

  private Island island(Island.Role role, long at, long target) {
    long offset = offsetOf(at);
    int original = elf.slice(offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    return new Island(role, at, offset, List.of(original), Island.encode(role, at, target), target);
  }
}
