package dev.a64patch.core.patch;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.core.scan.SegmentTail;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
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

  /**
   * All island space by start address: where each word lies in the file (a segment's tail is not
   * mapped in the original, so the program headers cannot say).
   */
  private final TreeMap<Long, IslandSpace.Run> runs = new TreeMap<>();

  private IslandPlanner(ElfFile elf, List<IslandSpace.Run> space) {
    this.elf = elf;
    for (IslandSpace.Run r : space) {
      free.put(r.address(), new long[] {r.end(), r.offset()});
      runs.put(r.address(), r);
    }
  }

  /** True once the padding between functions has been added to the space. */
  private boolean widened;

  /**
   * The planner over the code segments' tails; the padding between functions joins when a site
   * finds no room in them ({@link #widen}). The tails come first because they are one piece next to
   * the code and cost nothing to find, where finding the padding means reading every word of the
   * code (about a second for 100 MB); a site in reach of a tail needs no padding at all.
   */
  static IslandPlanner of(ElfFile elf, IslandSpace.TailReferences tails) {
    return new IslandPlanner(elf, IslandSpace.find(elf, false, true, tails));
  }

  /** Adds the padding between functions to the space, once; false when it was there already. */
  boolean widen() {
    if (widened) {
      return false;
    }
    widened = true;
    for (IslandSpace.Run r : IslandSpace.find(elf, true, false)) {
      free.put(r.address(), new long[] {r.end(), r.offset()});
      runs.put(r.address(), r);
    }
    return true;
  }

  /**
   * False when no chain of hops can reach {@code trampoline}: it lies beyond the reach of B from
   * the top of every code segment's tail, the highest island space there can be (a large .bss lies
   * in between). Then looking through the padding for a chain would be wasted.
   */
  boolean chainMayReach(long trampoline) {
    long top = Long.MIN_VALUE;
    for (ElfSegment s : elf.segments()) {
      if (s.isLoad() && s.isExecutable()) {
        top = Math.max(top, Layout.alignUp(s.vaddr() + s.memsz(), SegmentTail.PAGE));
      }
    }
    return top != Long.MIN_VALUE && (trampoline <= top || Planner.reaches(top, trampoline));
  }

  /** True when the file has no island space at all. */
  boolean none() {
    widen();
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
   * Long islands for {@code site} whose trampoline (entered by {@code BR}) starts at {@code
   * trampoline} and ends at {@code last}: on the way there {@link Island.Role#LONG_TO}, or {@link
   * Island.Role#SAVE} and {@link Island.Role#JUMP} where no 4 free words lie near the site; on the
   * way back {@link Island.Role#LONG_BACK}, or {@link Island.Role#LAND} and {@link
   * Island.Role#RESTORE}. Each piece lies within reach of the {@code B} that leads to it or away
   * from it. Empty, and nothing taken, when the padding near the site has no room for them.
   */
  Optional<List<Island>> far(long site, long trampoline, long last, int rt) {
    if (!adrpReaches(site, trampoline) || !adrpReaches(site, last)) {
      return Optional.empty();
    }
    List<Island> out = new ArrayList<>();
    List<long[]> taken = new ArrayList<>();
    if (!there(site, trampoline, rt, out, taken) || !back(site, rt, out, taken)) {
      taken.forEach(t -> release(t[0], (int) t[1]));
      return Optional.empty();
    }
    return Optional.of(out);
  }

  private boolean there(long site, long trampoline, int rt, List<Island> out, List<long[]> taken) {
    long whole = grab(site, Island.Role.LONG_TO, taken);
    if (whole >= 0) {
      out.add(island(Island.Role.LONG_TO, whole, trampoline, rt));
      return true;
    }
    long save = grab(site, Island.Role.SAVE, taken);
    long jump = save < 0 ? -1 : grab(save + 4, Island.Role.JUMP, taken);
    if (jump < 0) {
      return false;
    }
    out.add(island(Island.Role.SAVE, save, jump, rt));
    out.add(island(Island.Role.JUMP, jump, trampoline, rt));
    return true;
  }

  private boolean back(long site, int rt, List<Island> out, List<long[]> taken) {
    long whole = grab(site + 4 - 8, Island.Role.LONG_BACK, taken);
    if (whole >= 0) {
      out.add(island(Island.Role.LONG_BACK, whole, site + 4, rt));
      return true;
    }
    long restore = grab(site + 4 - 4, Island.Role.RESTORE, taken);
    long land = restore < 0 ? -1 : grab(restore - 4, Island.Role.LAND, taken);
    if (land < 0) {
      return false;
    }
    out.add(island(Island.Role.LAND, land, restore, rt));
    out.add(island(Island.Role.RESTORE, restore, site + 4, rt));
    return true;
  }

  /** Takes room for an island of {@code role} near {@code near}; its start, or -1. */
  private long grab(long near, Island.Role role, List<long[]> taken) {
    int words = Island.words(role);
    long at = block(near, words);
    if (at >= 0) {
      take(at, words);
      taken.add(new long[] {at, words});
    }
    return at;
  }

  /** ADRP's ±4 GiB, with room for the islands' distance from the site. */
  private static boolean adrpReaches(long from, long to) {
    return Math.abs(to - from) < (1L << 32) - (512L << 20);
  }

  /**
   * The start of {@code words} free consecutive words nearest to {@code near} such that a branch at
   * either end reaches {@code near} (or the other way round), or -1.
   */
  private long block(long near, int words) {
    long size = 4L * words;
    long reach = A64.BRANCH_RANGE - Planner.REACH_MARGIN - size;
    long below = -1; // the nearest fit in an interval starting at or below near
    for (Long key = free.floorKey(near); key != null; key = free.lowerKey(key)) {
      long end = free.get(key)[0];
      if (end - size < near - reach) {
        break; // intervals are disjoint and sorted: the ones below end farther down
      }
      long lo = Math.max(key, near - reach);
      long hi = Math.min(end, near + reach + size) - size;
      if (lo <= hi) {
        below = Math.max(lo, Math.min(hi, near));
        break;
      }
    }
    long above = -1; // the nearest fit in an interval starting above near
    for (Long key = free.higherKey(near); key != null && key <= near + reach; ) {
      if (free.get(key)[0] - key >= size) {
        above = key;
        break;
      }
      key = free.higherKey(key);
    }
    if (below < 0 || (above >= 0 && above - near < near - below)) {
      return above;
    }
    return below;
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
      next = lowestInTail(next, goal);
      take(next);
      taken.add(next);
      at = next;
    }
    return true;
  }

  /**
   * {@code word}, or when it lies in a segment tail and the first free word of its stretch reaches
   * {@code goal} as well, that one: a hop into the tail then grows the code segment by as little as
   * possible (the tail spans less than 64 KiB, nothing against the reach of B).
   */
  private long lowestInTail(long word, long goal) {
    if (!runs.floorEntry(word).getValue().inTail()) {
      return word;
    }
    long first = free.floorKey(word);
    return Planner.reaches(first, goal) ? first : word;
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
    IslandSpace.Run r = runs.floorEntry(address).getValue();
    return r.offset() + (address - r.address());
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
