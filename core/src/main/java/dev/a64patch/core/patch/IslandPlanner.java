package dev.a64patch.core.patch;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.elf.ElfFile;
import java.nio.ByteBuffer;
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
  Optional<List<Island>> chain(long site, long trampoline, long last, int rt) {
    List<Long> to = new ArrayList<>();
    List<Long> back = new ArrayList<>();
    if (!hops(site, trampoline, to) || !hops(last, site + 4, back)) {
      to.forEach(this::release);
      back.forEach(this::release);
      return Optional.empty();
    }
    List<Island> out = new ArrayList<>();
    for (int i = 0; i < to.size(); i++) {
      out.add(
          island(Island.Role.TO, to.get(i), i + 1 < to.size() ? to.get(i + 1) : trampoline, rt));
    }
    for (int i = 0; i < back.size(); i++) {
      out.add(
          island(
              Island.Role.BACK, back.get(i), i + 1 < back.size() ? back.get(i + 1) : site + 4, rt));
    }
    return Optional.of(out);
  }

  /**
   * A long island pair for {@code site} whose trampoline (entered by {@code BR}) starts at {@code
   * trampoline} and ends at {@code last}: {@link Island.Role#LONG_TO} within reach of the site's
   * {@code B}, {@link Island.Role#LONG_BACK} whose {@code B} reaches site + 4, both within the ±4
   * GiB of {@code ADRP} from the trampoline. Empty, and nothing taken, when the padding near the
   * site has no room for them.
   */
  Optional<List<Island>> far(long site, long trampoline, long last, int rt) {
    int toWords = Island.words(Island.Role.LONG_TO);
    int backWords = Island.words(Island.Role.LONG_BACK);
    long to = block(site, toWords);
    if (to < 0 || !adrpReaches(to + 8, trampoline)) {
      return Optional.empty();
    }
    take(to, toWords);
    long back = block(site + 4 - 4L * (backWords - 1), backWords);
    if (back < 0 || !adrpReaches(last - 8, back)) {
      release(to, toWords);
      return Optional.empty();
    }
    take(back, backWords);
    return Optional.of(
        List.of(
            island(Island.Role.LONG_TO, to, trampoline, rt),
            island(Island.Role.LONG_BACK, back, site + 4, rt)));
  }

  /** ADRP's ±4 GiB, with the same margin as the reach of B. */
  private static boolean adrpReaches(long from, long to) {
    return Math.abs(to - from) < (1L << 32) - (1L << 20);
  }

  /**
   * The start of {@code words} free consecutive words nearest to {@code near} such that a branch at
   * either end reaches {@code near} (or the other way round), or -1.
   */
  private long block(long near, int words) {
    long size = 4L * words;
    long reach = A64.BRANCH_RANGE - Planner.REACH_MARGIN - size;
    long best = -1;
    Long key = free.floorKey(near - reach);
    if (key == null) {
      key = free.ceilingKey(near - reach);
    }
    for (; key != null && key <= near + reach; key = free.higherKey(key)) {
      long lo = Math.max(key, near - reach);
      long hi = Math.min(free.get(key)[0], near + reach + size) - size; // last possible start
      if (lo > hi) {
        continue;
      }
      long at = Math.max(lo, Math.min(hi, near));
      if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) {
        best = at;
      }
      if (lo >= near) {
        break; // the intervals after this one are farther
      }
    }
    return best;
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
    take(word, 1);
  }

  /** Removes [at, at + 4 * words) from the free space; it lies inside one free interval. */
  private void take(long at, int words) {
    Map.Entry<Long, long[]> e = free.floorEntry(at);
    long start = e.getKey();
    long end = e.getValue()[0];
    long offset = e.getValue()[1];
    long after = at + 4L * words;
    free.remove(start);
    if (at > start) {
      free.put(start, new long[] {at, offset});
    }
    if (after < end) {
      free.put(after, new long[] {end, offset + (after - start)});
    }
  }

  private void release(long word) {
    release(word, 1);
  }

  private void release(long at, int words) {
    free.put(at, new long[] {at + 4L * words, offsetOf(at)});
  }

  private long offsetOf(long address) {
    return elf.offsetOf(address).orElseThrow();
  }

  private Island island(Island.Role role, long at, long target, int rt) {
    long offset = offsetOf(at);
    List<Integer> original = new ArrayList<>();
    ByteBuffer b = elf.slice(offset, 4L * Island.words(role)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < Island.words(role); i++) {
      original.add(b.getInt(4 * i));
    }
    return new Island(role, at, offset, original, Island.encode(role, at, target, rt), target);
  }
}
