package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.scan.A64Shapes.Ref;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSymbolTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Code and data evidence for the candidate words of one file (docs/scanning.md "Evidence"). Built
 * only for files that have candidates, in three steps:
 *
 * <ol>
 *   <li>for each candidate, walk back over the straight-line run that ends at it (words that can be
 *       instructions and are no unconditional terminator): a reference to any word of that run
 *       reaches the candidate by falling through;
 *   <li>one pass over every executable word decodes the direct branches, ADR, ADRP+ADD/LDR and LDR
 *       (literal) forms and keeps the few whose target lies in a run (or on a candidate, for
 *       loads);
 *   <li>relocations, dynamic symbols, the entry point and the init/fini arrays add the addresses
 *       data takes.
 * </ol>
 *
 * Then each candidate is judged from the references into its run. Relocatable objects address each
 * section from 0, so there a reference only counts inside its own section.
 */
final class EvidenceIndex {
  /** How far back a run is followed, in words; longer runs are cut (and lose no precision). */
  static final int MAX_RUN = 4096;

  /** How many instructions after ADR/ADRP are searched for the use of its register. */
  private static final int USE_WINDOW = 4;

  /** Evidence items kept per kind and candidate; the rest are counted. */
  private static final int MAX_ITEMS = 4;

  /** A candidate word: its region (index into the region list) and file offset. */
  record Candidate(int region, long offset) {}

  /** What the file says about a candidate, and which data reasons apply. */
  record Judgement(Evidence evidence, boolean loaded, boolean unreachable) {}

  /**
   * A reference into a run: {@code size} bytes at {@code target} in {@code region}, by an
   * instruction of {@code kind} at {@code from}, or by data that {@code note} names. The name of an
   * instruction's reference is made only when a judgement shows it: the island search keeps
   * thousands of references and shows none.
   */
  record Hit(int region, long target, int size, Ref kind, long from, String note) {
    boolean isData() {
      return kind != null && kind.isData();
    }

    /** Names the reference ("bl-target from 0x1234"). */
    String what() {
      return note != null ? note : kind.label + " from 0x" + Long.toHexString(from);
    }
  }

  /**
   * The straight-line run before a candidate: [start, candidate]; {@code stop} = terminator or -1.
   */
  record Run(int region, long start, long address, long terminator) {}

  private final ElfFile elf;
  private final List<CodeRegion> regions;
  private final ByteBuffer bytes;
  private final boolean perSection;
  private final List<Run> runs = new ArrayList<>();
  private final List<Hit> hits = new ArrayList<>();

  /**
   * The first tail region ({@link #build} with tails), whose zero words the pass skips; none when
   * it is past the last region.
   */
  private int tailsFrom = Integer.MAX_VALUE;

  /** The references into the tails, sorted for {@link #firstReferenceIn}; made on first use. */
  private List<Hit> tailHits;

  private long[] lo = new long[0];
  private long[] hi = new long[0];
  private int[] loRegion = new int[0];
  private long minLo = Long.MAX_VALUE;
  private long maxHi = Long.MIN_VALUE;

  private EvidenceIndex(ElfFile elf, List<CodeRegion> regions, ByteBuffer bytes) {
    this.elf = elf;
    this.regions = regions;
    this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.perSection = elf.header().type() == ET_REL;
  }

  /**
   * The index, with the C loop ({@code inC}, when loaded) or the Java loop for the pass. It also
   * finds the references into {@code tails} (the code segments' tails, {@link
   * IslandSpace#tailRegions}; none for a scan) in the same pass, for {@link #firstReferenceIn}:
   * patch needs them when it places islands, and a pass of their own read every word of the code
   * again. The tails are regions after {@code regions}, and a reference into them is in no
   * candidate's run, so the candidates' evidence is what it is without them.
   */
  static EvidenceIndex build(
      ElfFile elf,
      List<CodeRegion> regions,
      ByteBuffer bytes,
      List<Candidate> candidates,
      List<CodeRegion> tails,
      boolean inC) {
    List<CodeRegion> all = new ArrayList<>(regions);
    all.addAll(tails);
    return build(
        elf,
        all,
        regions.size(),
        bytes,
        candidates,
        Runtime.getRuntime().availableProcessors(),
        WordMatcher.PARALLEL_BYTES,
        WordMatcher.SLICE_BYTES,
        inC);
  }

  /**
   * {@link #build}, with the pass sliced as {@link WordMatcher#slices} is told (tests give their
   * own slices): regions from {@code tailsFrom} on are tails, a span each after the candidates'
   * runs.
   */
  static EvidenceIndex build(
      ElfFile elf,
      List<CodeRegion> regions,
      int tailsFrom,
      ByteBuffer bytes,
      List<Candidate> candidates,
      int threads,
      int parallelBytes,
      int sliceBytes,
      boolean inC) {
    EvidenceIndex x = new EvidenceIndex(elf, regions, bytes);
    x.inC = inC && NativeLoops.available();
    x.threads = threads;
    x.parallelBytes = parallelBytes;
    x.sliceBytes = sliceBytes;
    x.tailsFrom = tailsFrom;
    for (Candidate c : candidates) {
      x.runs.add(x.runBefore(c));
    }
    for (int r = tailsFrom; r < regions.size(); r++) {
      CodeRegion t = regions.get(r);
      x.runs.add(new Run(r, t.address(), t.address() + t.size() - 4, -1));
    }
    x.buildIntervals(LITERAL_MARGIN);
    x.buildPages();
    x.passes();
    return x;
  }

  /**
   * The references into spans of words [start, end) of a region, instead of into the runs before
   * candidates: which padding is the target of a branch, a load or an address (see {@link
   * IslandSpace}). Only references that touch a span are kept ({@link #firstReference} looks at no
   * other), so the intervals have no margin.
   */
  static EvidenceIndex overSpans(
      ElfFile elf, List<CodeRegion> regions, ByteBuffer bytes, List<long[]> spans) {
    return overSpans(elf, regions, bytes, spans, true);
  }

  /** {@link #overSpans}, with or without the block map ({@link #blocks}): tests compare both. */
  static EvidenceIndex overSpans(
      ElfFile elf,
      List<CodeRegion> regions,
      ByteBuffer bytes,
      List<long[]> spans,
      boolean blockMap) {
    EvidenceIndex x = new EvidenceIndex(elf, regions, bytes);
    x.blockMap = blockMap;
    for (long[] s : spans) {
      x.runs.add(new Run((int) s[0], s[1], s[2] - 4, -1));
    }
    x.buildIntervals(0);
    x.buildPages();
    x.passes();
    x.hits.sort(Comparator.comparingInt(Hit::region).thenComparingLong(Hit::target));
    return x;
  }

  /**
   * The lowest address in span {@code i} (of {@link #overSpans}) that a reference touches, or -1:
   * from there on the span may run or be read.
   */
  long firstReference(int i) {
    Run run = runs.get(i);
    return firstReference(hits, run.region(), run.start(), run.address() + 4);
  }

  /**
   * The lowest address in [start, end) of tail region {@code region} (of {@link #build} with tails)
   * that a reference touches, or -1: as {@link #firstReference} for that span, which the span of a
   * whole tail holds.
   */
  long firstReferenceIn(int region, long start, long end) {
    if (tailHits == null) {
      tailHits =
          hits.stream()
              .filter(h -> h.region() >= tailsFrom)
              .sorted(Comparator.comparingInt(Hit::region).thenComparingLong(Hit::target))
              .toList();
    }
    return firstReference(tailHits, region, start, end);
  }

  /** Over {@code sorted} by region, then target: see {@link #firstReference(int)}. */
  private static long firstReference(List<Hit> sorted, int region, long start, long end) {
    int a = 0;
    int b = sorted.size() - 1;
    int found = sorted.size();
    while (a <= b) {
      int mid = (a + b) >>> 1;
      Hit h = sorted.get(mid);
      if (h.region() > region || (h.region() == region && h.target() >= start - 16)) {
        found = mid;
        b = mid - 1;
      } else {
        a = mid + 1;
      }
    }
    for (int k = found; k < sorted.size(); k++) {
      Hit h = sorted.get(k);
      if (h.region() != region || h.target() >= end) {
        break;
      }
      if (h.target() + h.size() > start) {
        return Math.max(start, h.target() & ~3L);
      }
    }
    return -1;
  }

  /** {@link #hits} by region and target, for {@link #judge}; made on its first call. */
  private ByTarget byTarget;

  /**
   * Below this many pairs of reference and run, a judgement walks every reference: sorting them
   * costs a small file's scan more (about 4 ms, most of it linking the sort's comparators).
   */
  static final long INDEX_ABOVE = 1 << 16;

  /**
   * The hits sorted by region and target, in two lists: data (not tables), which count where they
   * overlap a candidate's word, and the others, which count where they land in its run. A judgement
   * looked at every hit, and a file with thousands of reads has thousands of hits: 8,000 reads took
   * 0.5 s of judging (docs/performance.md, "Ninth round").
   */
  static final class ByTarget {
    private final int[] flow;
    private final int[] data;

    /** For data[k]: the highest end (target + size) of data[0..k] in data[k]'s region. */
    private final long[] dataEnd;

    ByTarget(List<Hit> hits) {
      List<Integer> f = new ArrayList<>();
      List<Integer> d = new ArrayList<>();
      for (int k = 0; k < hits.size(); k++) {
        Hit h = hits.get(k);
        (h.isData() && h.kind() != Ref.TABLE ? d : f).add(k);
      }
      Comparator<Integer> order =
          Comparator.<Integer>comparingInt(k -> hits.get(k).region())
              .thenComparingLong(k -> hits.get(k).target())
              .thenComparingInt(k -> k);
      f.sort(order);
      d.sort(order);
      flow = f.stream().mapToInt(Integer::intValue).toArray();
      data = d.stream().mapToInt(Integer::intValue).toArray();
      dataEnd = new long[data.length];
      for (int k = 0; k < data.length; k++) {
        Hit h = hits.get(data[k]);
        long end = h.target() + h.size();
        boolean sameRegion = k > 0 && hits.get(data[k - 1]).region() == h.region();
        dataEnd[k] = sameRegion ? Math.max(dataEnd[k - 1], end) : end;
      }
    }

    /**
     * In {@link #hits}' order, a superset of the hits that can change {@code run}'s judgement: data
     * overlapping its word, and the others landing in [start, address].
     */
    List<Hit> touching(List<Hit> hits, Run run) {
      List<Integer> found = new ArrayList<>();
      for (int k = first(hits, flow, run.region(), run.start()); k < flow.length; k++) {
        Hit h = hits.get(flow[k]);
        if (h.region() != run.region() || h.target() > run.address()) {
          break;
        }
        found.add(flow[k]);
      }
      // Back from the last data hit that starts before the word's end, while one may reach it.
      for (int k = first(hits, data, run.region(), run.address() + 4) - 1; k >= 0; k--) {
        Hit h = hits.get(data[k]);
        if (h.region() != run.region() || dataEnd[k] <= run.address()) {
          break;
        }
        found.add(data[k]);
      }
      found.sort(null);
      List<Hit> out = new ArrayList<>(found.size());
      for (int k : found) {
        out.add(hits.get(k));
      }
      return out;
    }

    /** The first position in {@code sorted} at or after ({@code region}, {@code target}). */
    private static int first(List<Hit> hits, int[] sorted, int region, long target) {
      int a = 0;
      int b = sorted.length;
      while (a < b) {
        int mid = (a + b) >>> 1;
        Hit h = hits.get(sorted[mid]);
        if (h.region() < region || (h.region() == region && h.target() < target)) {
          a = mid + 1;
        } else {
          b = mid;
        }
      }
      return a;
    }
  }

  /** Judges candidate {@code i} (in the order given to {@link #build}). */
  Judgement judge(int i, Optional<String> function, boolean dollarD) {
    Run run = runs.get(i);
    List<String> code = new ArrayList<>();
    List<String> data = new ArrayList<>();
    function.ifPresent(code::add);
    if (dollarD) {
      data.add("$d mapping symbol");
    }
    boolean loaded = false;
    List<Hit> direct = new ArrayList<>();
    Hit nearest = null;
    if (byTarget == null && (long) hits.size() * runs.size() > INDEX_ABOVE) {
      byTarget = new ByTarget(hits);
    }
    for (Hit h : byTarget == null ? hits : byTarget.touching(hits, run)) {
      if (h.region() != run.region()) {
        continue;
      }
      if (h.isData() && h.kind() != Ref.TABLE) {
        if (h.target() < run.address() + 4 && h.target() + h.size() > run.address()) {
          add(data, h.what());
          loaded = true;
        }
      } else if (h.target() == run.address()) {
        direct.add(h);
      } else if (h.target() >= run.start()
          && h.target() < run.address()
          && (nearest == null || h.target() > nearest.target())) {
        nearest = h;
      }
    }
    direct.stream().filter(h -> h.kind() != Ref.TABLE).forEach(h -> add(code, h.what()));
    boolean tableStart = direct.stream().anyMatch(h -> h.kind() == Ref.TABLE);
    if (tableStart && direct.stream().allMatch(h -> h.kind() == Ref.TABLE)) {
      add(data, "table start, " + firstTable(direct).what());
      loaded = true;
    } else if (direct.isEmpty() && nearest != null) {
      if (nearest.kind() == Ref.TABLE) {
        add(data, String.format("in the table at 0x%x, %s", nearest.target(), nearest.what()));
        loaded = true;
      } else {
        add(code, String.format("flow from 0x%x, %s", nearest.target(), nearest.what()));
      }
    }
    boolean unreachable = false;
    if (code.isEmpty() && !loaded && run.terminator() >= 0) {
      data.add(
          String.format(
              "unreachable: follows the unconditional branch at 0x%x, nothing reaches it",
              run.terminator()));
      unreachable = true;
    }
    return new Judgement(new Evidence(capped(code), capped(data)), loaded, unreachable);
  }

  private static Hit firstTable(List<Hit> direct) {
    return direct.stream().filter(h -> h.kind() == Ref.TABLE).findFirst().orElseThrow();
  }

  private static void add(List<String> items, String item) {
    if (!items.contains(item)) {
      items.add(item);
    }
  }

  private static List<String> capped(List<String> items) {
    if (items.size() <= MAX_ITEMS) {
      return items;
    }
    List<String> out = new ArrayList<>(items.subList(0, MAX_ITEMS));
    out.add("and " + (items.size() - MAX_ITEMS) + " more");
    return out;
  }

  // ---- step 1: runs ----------------------------------------------------------------------

  private Run runBefore(Candidate c) {
    CodeRegion region = regions.get(c.region());
    long first = region.firstWordOffset();
    long at = c.offset();
    for (int n = 0; n < MAX_RUN && at - 4 >= first; n++) {
      int w = bytes.getInt((int) (at - 4));
      if (A64Shapes.isTerminator(w)) {
        return new Run(
            c.region(),
            region.addressOf(at),
            region.addressOf(c.offset()),
            region.addressOf(at - 4));
      }
      if (!A64Shapes.plausible(w)) {
        break;
      }
      at -= 4;
    }
    return new Run(c.region(), region.addressOf(at), region.addressOf(c.offset()), -1);
  }

  /** Bytes before a run that a 16-byte literal load touching the run may begin at. */
  private static final int LITERAL_MARGIN = 12;

  /** Sorted, merged intervals [start - margin, address + 4) per run. */
  private void buildIntervals(int margin) {
    List<long[]> spans = new ArrayList<>();
    for (Run r : runs) {
      spans.add(new long[] {r.start() - margin, r.address() + 4, perSection ? r.region() : -1});
    }
    spans.sort(Comparator.<long[]>comparingLong(s -> s[2]).thenComparingLong(s -> s[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] s : spans) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && last[2] == s[2] && s[0] <= last[1]) {
        last[1] = Math.max(last[1], s[1]);
      } else {
        merged.add(s.clone());
      }
    }
    int n = merged.size();
    lo = new long[n];
    hi = new long[n];
    loRegion = new int[n];
    for (int i = 0; i < n; i++) {
      lo[i] = merged.get(i)[0];
      hi[i] = merged.get(i)[1];
      loRegion[i] = (int) merged.get(i)[2];
      minLo = Math.min(minLo, lo[i]);
      maxHi = Math.max(maxHi, hi[i]);
    }
  }

  /** True when [t, t+size) touches a run of {@code region} (any region in linked files). */
  private boolean interesting(int region, long t, int size) {
    if (t + size <= minLo || t >= maxHi || !onMarkedBlock(t, size)) {
      return false;
    }
    int key = perSection ? region : -1;
    // Last interval at or before (key, t + size - 1); merged intervals of one key do not
    // overlap, so only it and the one before it can touch an access of at most 16 bytes.
    int a = 0;
    int b = lo.length - 1;
    int found = -1;
    long end = t + size - 1;
    while (a <= b) {
      int mid = (a + b) >>> 1;
      if (loRegion[mid] < key || (loRegion[mid] == key && lo[mid] <= end)) {
        found = mid;
        a = mid + 1;
      } else {
        b = mid - 1;
      }
    }
    for (int i = found; i >= 0 && i >= found - 1; i--) {
      if (loRegion[i] == key && t < hi[i] && t + size > lo[i]) {
        return true;
      }
    }
    return false;
  }

  // ---- step 2: one pass over the code ----------------------------------------------------

  /**
   * Steps 2 and 3: the references the code makes, then those that data makes, in that order. When
   * the pass runs in parallel, step 3 (relocations, symbols: about 15 ms for a 100 MB library) runs
   * on another core meanwhile, into a list of its own.
   */
  private void passes() {
    long code = 0;
    for (CodeRegion c : regions) {
      code += c.size();
    }
    if (!WordMatcher.worthWorkAside(code, threads, parallelBytes)) {
      passOverAll();
      dataReferences(hits);
      return;
    }
    Aside<List<Hit>> data =
        Aside.start(
            () -> {
              List<Hit> out = new ArrayList<>();
              dataReferences(out);
              return out;
            });
    try {
      passOverAll();
    } catch (RuntimeException | Error e) {
      data.join(); // nothing left running
      throw e;
    }
    hits.addAll(data.join());
  }

  /**
   * {@link #passOver} every region but the tails: a tail holds zero words only ({@link
   * SegmentTail}), which reference nothing.
   */
  private void passOverAll() {
    for (int r = 0; r < Math.min(tailsFrom, regions.size()); r++) {
      passOver(r);
    }
  }

  /**
   * Instruction kinds by the top byte of the word, so that the pass does one table lookup for the
   * words it ignores (most of them): 1 B, 2 BL, 3 B.cond, 4 CBZ/CBNZ, 5 TBZ/TBNZ, 6 LDR (literal),
   * 7 ADR/ADRP. The handler checks the remaining bits.
   */
  private static final byte[] KIND = new byte[256];

  static {
    for (int top = 0; top < 256; top++) {
      int w = top << 24;
      KIND[top] =
          A64Shapes.isB(w)
              ? (byte) 1
              : A64Shapes.isBl(w)
                  ? (byte) 2
                  : (top == 0x54)
                      ? (byte) 3
                      : A64Shapes.isCbz(w)
                          ? (byte) 4
                          : A64Shapes.isTbz(w)
                              ? (byte) 5
                              : (w & 0x3B000000) == 0x18000000
                                  ? (byte) 6
                                  : (A64Shapes.isAdr(w) || A64Shapes.isAdrp(w)) ? (byte) 7 : 0;
    }
  }

  /**
   * The words of region {@code r} the pass examines: every whole word from firstWordOffset to the
   * region's end, read two at a time, and the last one on its own when their number is odd. (The
   * pass once stopped one pair short and read only the odd word, so the last word of a region with
   * an even number of words was never examined: EvidenceLastWordTest.) Regions large enough are cut
   * into slices as {@link WordMatcher#slices} says, several per core; each slice keeps its own
   * references, and they are joined in address order, as one sequential pass finds them
   * (EvidencePassWordsTest).
   */
  private void passOver(int r) {
    CodeRegion region = regions.get(r);
    int from = (int) region.firstWordOffset();
    int to = (int) (region.offset() + region.size()) - 3;
    if (to <= from) {
      return;
    }
    int regionEnd = to + 3; // its last whole word starts at regionEnd - 4
    int pairsEnd = from + ((regionEnd - from) & ~7);
    boolean oddWord = regionEnd - pairsEnd >= 4;
    int[] at = WordMatcher.slices(from, pairsEnd, threads, parallelBytes, sliceBytes);
    int slices = at.length - 1;
    if (slices < 2) {
      hits.addAll(passSlice(r, region, from, pairsEnd, oddWord, to));
      return;
    }
    IntStream.range(0, slices)
        .parallel()
        .mapToObj(k -> passSlice(r, region, at[k], at[k + 1], k == slices - 1 && oddWord, to))
        .toList()
        .forEach(hits::addAll);
  }

  /**
   * The references found among the word pairs of [from, to) (and the word at {@code to} when {@code
   * oddWord}). The words are bulk-copied into a {@code long[]} a chunk at a time and tested there:
   * under C1 an array loop runs about twice as fast as {@code ByteBuffer.getLong} per word.
   */
  private List<Hit> passSlice(
      int r, CodeRegion region, int from, int to, boolean oddWord, int regionEnd) {
    List<Hit> out = new ArrayList<>();
    int chunkBytes = WordMatcher.chunkBytes(inC, to - from);
    long[] pairs = new long[chunkBytes / 8];
    int[] picked = new int[chunkBytes / 4];
    LongBuffer words =
        bytes
            .duplicate()
            .position(from)
            .limit(to)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN)
            .asLongBuffer();
    long delta = region.address() - region.offset();
    // The C loop keeps every word reaches() keeps, and some more, which handlePicked's reaches()
    // drops: near()'s page pre-test (reaches() itself without a block map; with one, looser: a
    // block is at most 32 KiB, and every page within REACH of an interval is marked), and for the
    // short-range forms also their target's page (a target touching an interval is on a marked
    // page, or before the first one).
    for (int chunk = from; chunk < to; chunk += chunkBytes) {
      int n = Math.min(pairs.length, words.remaining());
      words.get(pairs, 0, n);
      byte[] kinds = kindsFor(chunk + delta, chunk + delta + 8L * n);
      int count =
          inC
              ? NativeLoops.pick(
                  pairs,
                  n,
                  chunk + delta,
                  kinds,
                  targetPages,
                  sourcePages,
                  pageBase,
                  pageCount,
                  picked)
              : -1;
      if (count < 0) {
        passPairs(r, region, pairs, n, chunk, delta, regionEnd, picked, out);
      } else {
        handlePicked(r, region, pairs, picked, count, kinds, chunk, delta, regionEnd, out);
      }
    }
    if (oddWord) {
      int w = bytes.getInt(to);
      int k = KIND[w >>> 24];
      if (k != 0 && near(w, k, to + delta)) {
        handle(r, region, to, regionEnd, w, k, out);
      }
    }
    return out;
  }

  private void passPairs(
      int r,
      CodeRegion region,
      long[] pairs,
      int n,
      int base,
      long delta,
      int regionEnd,
      int[] picked,
      List<Hit> out) {
    // Branch prediction decides this loop's speed. About one word in nine has a kind worth a look
    // (mostly B and BL), at random, so a test per word mispredicts often. So the first loop has
    // no branch but its own: it writes down every word's index and advances the count by 1 only
    // for those of a kind worth a look. The second looks at those alone, where the page test is
    // rarely true. The short-range kinds are looked up only in chunks near a run, since anywhere
    // else their pre-test fails for every word.
    byte[] kinds = kindsFor(base + delta, base + delta + 8L * n);
    byte[] flags = kinds == KIND ? KIND_FLAG : LONG_RANGE_FLAG;
    int count = 0;
    for (int i = 0; i < n; i++) {
      long x = pairs[i];
      picked[count] = 2 * i;
      count += flags[(int) x >>> 24];
      picked[count] = 2 * i + 1;
      count += flags[(int) (x >>> 32) >>> 24];
    }
    handlePicked(r, region, pairs, picked, count, kinds, base, delta, regionEnd, out);
  }

  /** The words {@code picked} (indices into the words of {@code pairs}) that pass reaches(). */
  private void handlePicked(
      int r,
      CodeRegion region,
      long[] pairs,
      int[] picked,
      int count,
      byte[] kinds,
      int base,
      long delta,
      int regionEnd,
      List<Hit> out) {
    for (int j = 0; j < count; j++) {
      int k = picked[j];
      int w = (int) (pairs[k >>> 1] >>> ((k & 1) << 5));
      int kind = kinds[w >>> 24];
      int off = base + 4 * k;
      if (reaches(w, kind, off + delta)) {
        handle(r, region, off, regionEnd, w, kind, out);
      }
    }
  }

  /**
   * {@link #near}, with the B/BL case (most words that get here) first and short; with a block map
   * the B/BL target is tested on it, as {@link #interesting} will (the island search's intervals
   * leave no page unmarked).
   */
  private boolean reaches(int w, int kind, long pc) {
    if (kind > 2 || targetPages == null) {
      return near(w, kind, pc);
    }
    long t = pc + ((long) ((w << 6) >> 6) << 2);
    if (blocks != null) {
      return t + 4 > minLo && t < maxHi && onMarkedBlock(t, 4);
    }
    long page = (t >>> 16) - pageBase;
    return page >= 0 && page < pageCount && (targetPages[(int) (page >>> 6)] & (1L << page)) != 0;
  }

  /**
   * The kinds worth a look for the words at addresses [from, to): all of them near a run, else
   * those whose reach is not limited to 1 MiB (elsewhere the others' pre-test fails for every
   * word).
   */
  private byte[] kindsFor(long from, long to) {
    return nearRun(from, to) ? KIND : LONG_RANGE_KIND;
  }

  /** The kinds whose reach is not limited to 1 MiB: B, BL, ADR/ADRP (ADR is tested as before). */
  private static final byte[] LONG_RANGE_KIND = new byte[256];

  static {
    for (int top = 0; top < 256; top++) {
      int k = KIND[top];
      LONG_RANGE_KIND[top] = k == 1 || k == 2 || k == 7 ? (byte) k : 0;
    }
  }

  /** 1 where {@link #KIND} (or {@link #LONG_RANGE_KIND}) names a kind, else 0. */
  private static final byte[] KIND_FLAG = new byte[256];

  private static final byte[] LONG_RANGE_FLAG = new byte[256];

  static {
    for (int top = 0; top < 256; top++) {
      KIND_FLAG[top] = KIND[top] != 0 ? (byte) 1 : 0;
      LONG_RANGE_FLAG[top] = LONG_RANGE_KIND[top] != 0 ? (byte) 1 : 0;
    }
  }

  /**
   * True when some address in [from, to) lies on a page of {@code sourcePages}: only there can a
   * short-range form (B.cond, CBZ, TBZ, LDR literal) pass {@link #near}.
   */
  private boolean nearRun(long from, long to) {
    if (sourcePages == null) {
      return true;
    }
    for (long p = (from >>> 16) - pageBase; p <= ((to - 1) >>> 16) - pageBase; p++) {
      if (p >= 0 && p < pageCount && (sourcePages[(int) (p >>> 6)] & (1L << p)) != 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * A cheap pre-test on 64 KiB pages: a B/BL target or an ADR/ADRP address on a page within {@link
   * #REACH} of a run, or a short-range form (19 or 14 bits: 1 MiB at most) on a page within 1 MiB
   * of one; only then is {@link #handle} worth calling.
   */
  private boolean near(int w, int kind, long pc) {
    long t =
        switch (kind) {
          case 1, 2 -> pc + ((long) ((w << 6) >> 6) << 2);
          case 7 -> A64Shapes.adrTarget(w, pc);
          default -> pc;
        };
    long[] pages = kind <= 2 || kind == 7 ? targetPages : sourcePages;
    if (pages == null) {
      return true;
    }
    long page = (t >>> 16) - pageBase;
    return page >= 0 && page < pageCount && (pages[(int) (page >>> 6)] & (1L << page)) != 0;
  }

  /** Pages the pre-test covers at most (1 TiB of addresses, 2 MiB of bits). */
  private static final long MAX_PAGES = 1L << 24;

  private long[] targetPages;
  private long[] sourcePages;
  private long pageBase;
  private long pageCount;

  /**
   * Intervals at or above this number get {@link #blocks}: below it the binary search is as cheap,
   * and the build spends nothing on a map.
   */
  private static final int BLOCK_MAP_INTERVALS = 1024;

  /** Bits the block map takes at most (4 MiB); larger spans of code get larger blocks. */
  private static final long MAX_BLOCK_BITS = 1L << 25;

  /**
   * The blocks of {@code 1 << blockShift} bytes (16 and up) from {@code minLo} that an interval
   * touches, or null: the island search's intervals lie everywhere in the code (every page passes
   * {@link #near}), yet a branch to a function's start lands on a block without padding, so one bit
   * test spares the binary search of {@link #interesting} for most references.
   */
  private long[] blocks;

  private int blockShift;

  private boolean blockMap = true;

  /** Whether {@link NativeLoops#pick} does the pass's first loop. */
  private boolean inC = NativeLoops.available();

  /** {@link WordMatcher#slices} for the pass: tests make them small. */
  private int threads = Runtime.getRuntime().availableProcessors();

  private int parallelBytes = WordMatcher.PARALLEL_BYTES;

  private int sliceBytes = WordMatcher.SLICE_BYTES;

  /**
   * True when [t, t+size) (at most 16 bytes, touching [minLo, maxHi)) touches a marked block.
   * Addresses shift as signed numbers, as {@link #interesting} compares them (an interval of a
   * relocatable object may begin before 0).
   */
  private boolean onMarkedBlock(long t, int size) {
    if (blocks == null) {
      return true;
    }
    long base = minLo >> blockShift;
    long first = (Math.max(t, minLo) >> blockShift) - base;
    long last = (Math.min(t + size - 1, maxHi - 1) >> blockShift) - base;
    for (long b = first; b <= last; b++) {
      if ((blocks[(int) (b >>> 6)] & (1L << b)) != 0) {
        return true;
      }
    }
    return false;
  }

  private void buildBlocks() {
    if (!blockMap || lo.length < BLOCK_MAP_INTERVALS) {
      return;
    }
    int shift = 4;
    while (((maxHi - 1) >> shift) - (minLo >> shift) + 1 > MAX_BLOCK_BITS) {
      shift++;
    }
    long base = minLo >> shift;
    long[] map = new long[(int) (((((maxHi - 1) >> shift) - base + 1) + 63) >>> 6)];
    for (int i = 0; i < lo.length; i++) {
      for (long b = (lo[i] >> shift) - base; b <= ((hi[i] - 1) >> shift) - base; b++) {
        map[(int) (b >>> 6)] |= 1L << b;
      }
    }
    blockShift = shift;
    blocks = map;
  }

  /** Marks the pages of the pre-test (see {@link #near}) and the blocks of {@link #interesting}. */
  private void buildPages() {
    buildBlocks();
    long first = Long.MAX_VALUE;
    long last = 0;
    for (CodeRegion c : regions) {
      first = Math.min(first, c.address() >>> 16);
      last = Math.max(last, (c.address() + c.size()) >>> 16);
    }
    if (first > last || last - first >= MAX_PAGES) {
      return; // code spread over more than 1 TiB of addresses: no pre-test, every form is checked
    }
    pageBase = first;
    pageCount = last - first + 1;
    int words = (int) ((pageCount + 63) >>> 6);
    targetPages = new long[words];
    sourcePages = new long[words];
    for (int i = 0; i < lo.length; i++) {
      mark(targetPages, lo[i] - REACH, hi[i] + REACH);
      mark(sourcePages, lo[i] - (1 << 20) - REACH, hi[i] + (1 << 20) + REACH);
    }
  }

  private void mark(long[] pages, long from, long to) {
    long a = Math.max(0, (Math.max(0, from) >>> 16) - pageBase);
    long b = Math.min(pageCount - 1, (to >>> 16) - pageBase);
    for (long p = a; p <= b; p++) {
      pages[(int) (p >>> 6)] |= 1L << p;
    }
  }

  private void handle(
      int r, CodeRegion region, int off, int regionEnd, int w, int kind, List<Hit> out) {
    long pc = region.addressOf(off);
    switch (kind) {
      case 1 -> branch(r, pc, A64Shapes.branch26(w, pc), Ref.B, out);
      case 2 -> branch(r, pc, A64Shapes.branch26(w, pc), Ref.BL, out);
      case 3 -> {
        if (A64Shapes.isBcond(w)) {
          branch(r, pc, A64Shapes.branch19(w, pc), Ref.BCOND, out);
        }
      }
      case 4 -> branch(r, pc, A64Shapes.branch19(w, pc), Ref.CBZ, out);
      case 5 -> branch(r, pc, A64Shapes.branch14(w, pc), Ref.TBZ, out);
      case 6 -> {
        if (A64Shapes.isLdrLiteral(w)) {
          long t = A64Shapes.branch19(w, pc);
          int size = A64Shapes.ldrLiteralSize(w);
          if (interesting(r, t, size)) {
            record(r, t, size, Ref.LDR_LITERAL, pc, out);
          }
        }
      }
      default -> address(r, off, regionEnd, pc, w, out);
    }
  }

  private void branch(int r, long pc, long t, Ref kind, List<Hit> out) {
    if (interesting(r, t, 4)) {
      record(r, t, 4, kind, pc, out);
    }
  }

  /**
   * ADR or ADRP: follow its register through the next few instructions. An ADD completes an ADRP's
   * address; a load through the register reads data there (a fixed offset: those bytes; an index: a
   * table from there on); otherwise the address is taken as code.
   */
  /** Farther than any ADD or load offset after ADR/ADRP moves an address. */
  private static final long REACH = 1 << 16;

  private void address(int r, int off, int to, long pc, int w, List<Hit> out) {
    boolean page = A64Shapes.isAdrp(w);
    long t = A64Shapes.adrTarget(w, pc);
    if (t + REACH <= minLo || t >= maxHi + REACH) {
      return; // no candidate within reach of any ADD or load offset
    }
    int reg = A64Shapes.rd(w);
    boolean complete = !page;
    for (int k = 1; k <= USE_WINDOW && off + 4 * k < to; k++) {
      int u = bytes.getInt(off + 4 * k);
      if (A64Shapes.isTerminator(u)) {
        break;
      }
      int size = A64Shapes.loadUnsignedImmSize(u);
      if (size > 0 && A64Shapes.rn(u) == reg) {
        long at = t + A64Shapes.loadUnsignedImmOffset(u, size);
        if (interesting(r, at, size)) {
          record(r, at, size, page ? Ref.ADRP_LDR : Ref.ADR_LDR, pc, out);
        }
        return;
      }
      if (complete && A64Shapes.isLoadRegisterOffset(u) && A64Shapes.rn(u) == reg) {
        if (interesting(r, t, 4)) {
          record(r, t, 4, Ref.TABLE, pc, out);
        }
        return;
      }
      if (page && !complete && A64Shapes.isAddImm64(u) && A64Shapes.rn(u) == reg) {
        t += A64Shapes.addImm(u);
        reg = A64Shapes.rd(u);
        complete = true;
        continue;
      }
      if (A64Shapes.rd(u) == reg) {
        break; // overwritten (or stored: the address escapes)
      }
    }
    if (complete && interesting(r, t, 4)) {
      record(r, t, 4, page ? Ref.ADRP_ADD : Ref.ADR, pc, out);
    }
  }

  private void record(int sourceRegion, long target, int size, Ref kind, long from, List<Hit> out) {
    int region = perSection ? sourceRegion : regionOf(target);
    if (region >= 0) {
      out.add(new Hit(region, target, size, kind, from, null));
    }
  }

  private int regionOf(long address) {
    for (int i = 0; i < regions.size(); i++) {
      CodeRegion c = regions.get(i);
      if (address >= c.address() && address - c.address() < c.size()) {
        return i;
      }
    }
    return -1;
  }

  private int regionOfSection(int shndx) {
    for (int i = 0; i < regions.size(); i++) {
      if (regions.get(i).sectionIndex() == shndx) {
        return i;
      }
    }
    return -1;
  }

  // ---- step 3: addresses that data takes ---------------------------------------------------

  private void dataReferences(List<Hit> out) {
    try {
      entryPoint(out);
      dynamicSymbols(out);
      for (ElfSection s : elf.sections()) {
        if (s.type() == SHT_RELA && s.entsize() == RELA64.size() && s.hasFileData()) {
          relocations(s, out);
        } else if (!perSection
            && (s.type() == SHT_INIT_ARRAY || s.type() == SHT_FINI_ARRAY || s.type() == 16)) {
          pointers(s, out);
        }
      }
    } catch (ElfException | IndexOutOfBoundsException e) {
      // A damaged table only withholds evidence; the symbol index reports real damage.
    }
  }

  private void entryPoint(List<Hit> out) {
    long entry = elf.header().entry();
    int type = elf.header().type();
    if ((type == ET_EXEC || type == ET_DYN) && entry != 0) {
      other(regionOf(entry), entry, "entry point", out);
    }
  }

  private void dynamicSymbols(List<Hit> out) {
    if (perSection) {
      return;
    }
    Optional<ElfSymbolTable> dyn = elf.dynamicSymbolTable();
    if (dyn.isEmpty()) {
      return;
    }
    ElfSymbolTable t = dyn.get();
    for (int i = 1; i < t.count(); i++) {
      int shndx = t.shndx(i);
      int type = t.type(i);
      if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE || type == STT_SECTION || type == STT_FILE) {
        continue;
      }
      long v = t.value(i);
      if (interesting(-1, v, 4)) {
        other(regionOf(v), v, "dynamic symbol " + t.name(i), out);
      }
    }
  }

  private static final int R_AARCH64_ABS64 = 257;
  private static final int R_AARCH64_JUMP26 = 282;
  private static final int R_AARCH64_CALL26 = 283;
  private static final int R_AARCH64_GLOB_DAT = 1025;
  private static final int R_AARCH64_JUMP_SLOT = 1026;
  private static final int R_AARCH64_RELATIVE = 1027;

  /** Only ELF64 relocations are read: r_info splits into symbol and type as ELF64 does. */
  private static final ElfRecord.Format RELA64 = ElfRecord.RELA.in(ELFCLASS64);

  /** Field offsets of RELA64, looked up once: a file may hold a million relocations. */
  private static final int R_OFFSET = RELA64.offset("r_offset");

  private static final int R_INFO = RELA64.offset("r_info");

  private static final int R_ADDEND = RELA64.offset("r_addend");

  private void relocations(ElfSection s, List<Hit> out) {
    EntryBlocks t = new EntryBlocks(elf.slice(s.offset(), s.size()).order(order()), RELA64.size());
    ElfSymbolTable symbols = linkedTable(s);
    for (int k; (k = t.next()) > 0; ) {
      long[] block = t.block();
      for (int e = 0; e < k; e += t.stride()) {
        long info = block[e + R_INFO / 8];
        int type = (int) info;
        if (type != R_AARCH64_RELATIVE
            && type != R_AARCH64_ABS64
            && type != R_AARCH64_GLOB_DAT
            && type != R_AARCH64_JUMP_SLOT
            && type != R_AARCH64_CALL26
            && type != R_AARCH64_JUMP26) {
          continue;
        }
        long target = block[e + R_ADDEND / 8];
        int sym = (int) (info >>> 32);
        int shndx = -1;
        if (type != R_AARCH64_RELATIVE) {
          if (symbols == null || sym <= 0 || sym >= symbols.count()) {
            continue;
          }
          shndx = symbols.shndx(sym);
          if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE) {
            continue;
          }
          target += symbols.value(sym);
        }
        if (!perSection && !interesting(-1, target, 4)) {
          continue; // the cheap test first: in a linked file it does not depend on the region
        }
        int region = perSection ? regionOfSection(shndx) : regionOf(target);
        if (region >= 0 && interesting(region, target, 4)) {
          long at = block[e + R_OFFSET / 8];
          other(region, target, String.format("%s relocation at 0x%x", relocName(type), at), out);
        }
      }
    }
  }

  private ElfSymbolTable linkedTable(ElfSection rela) {
    if (rela.link() <= 0 || rela.link() >= elf.sections().size()) {
      return null;
    }
    long type = elf.sections().get((int) rela.link()).type();
    Optional<ElfSymbolTable> t =
        type == SHT_DYNSYM
            ? elf.dynamicSymbolTable()
            : type == SHT_SYMTAB ? elf.symbolTable() : Optional.empty();
    return t.orElse(null);
  }

  private static String relocName(int type) {
    return switch (type) {
      case R_AARCH64_RELATIVE -> "R_AARCH64_RELATIVE";
      case R_AARCH64_ABS64 -> "R_AARCH64_ABS64";
      case R_AARCH64_GLOB_DAT -> "R_AARCH64_GLOB_DAT";
      case R_AARCH64_JUMP_SLOT -> "R_AARCH64_JUMP_SLOT";
      case R_AARCH64_CALL26 -> "R_AARCH64_CALL26";
      default -> "R_AARCH64_JUMP26";
    };
  }

  /** .init_array, .fini_array, .preinit_array: code addresses (non-zero in files without RELA). */
  private void pointers(ElfSection s, List<Hit> out) {
    if (!s.hasFileData() || s.type() == SHT_NOBITS) {
      return;
    }
    ByteBuffer b = elf.slice(s.offset(), s.size() - s.size() % 8).order(order());
    for (int i = 0; i < b.limit() / 8; i++) {
      long v = b.getLong(i * 8);
      if (v != 0 && interesting(-1, v, 4)) {
        other(regionOf(v), v, String.format("%s entry at 0x%x", s.name(), s.addr() + 8L * i), out);
      }
    }
  }

  private void other(int region, long target, String what, List<Hit> out) {
    if (region >= 0) {
      out.add(new Hit(region, target, 4, null, 0, what));
    }
  }

  private ByteOrder order() {
    return elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
  }

  /** Test hook: the number of references kept. */
  int hitCount() {
    return hits.size();
  }

  /** Test hook: the references kept, in the order kept, by name ("b-target from 0x1234"). */
  List<String> hitNames() {
    return hits.stream().map(Hit::what).toList();
  }

  @Override
  public String toString() {
    return "EvidenceIndex" + Arrays.toString(lo);
  }
}
