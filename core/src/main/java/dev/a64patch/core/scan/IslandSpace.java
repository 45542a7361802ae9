package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.elf.ElfSymbolTable;
import dev.a64patch.elf.UnwindRanges;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Executable words that nothing executes, where the patcher may place islands (docs/design.md,
 * section 10): runs of {@code nop} or zero words that follow an unconditional terminator, cut
 * before the first word that any symbol, any FDE range, any branch, load or address (the {@link
 * EvidenceIndex} of the whole file) touches, and dropped entirely when a relocation writes into
 * them. Precision first: a file without section headers, or whose unwind tables cannot be read, has
 * no island space. The zero bytes after a code segment's file image ({@link SegmentTail}) are
 * island space too, under the same cuts; a run there says which segment must be extended to map it.
 */
public final class IslandSpace {
  /**
   * {@code words} free words from file offset {@code offset}, mapped at {@code address}; {@code
   * grows} is the index of the PT_LOAD whose {@code p_filesz}/{@code p_memsz} must be extended to
   * map them ({@link SegmentTail}), or -1 when they are mapped already.
   */
  public record Run(long address, long offset, long words, int grows) {
    public Run(long address, long offset, long words) {
      this(address, offset, words, -1);
    }

    /** True when the run lies past a segment's file image, which must be extended over it. */
    public boolean inTail() {
      return grows >= 0;
    }

    public long end() {
      return address + 4 * words;
    }
  }

  private static final int NOP = 0xD503201F;

  private IslandSpace() {}

  /** The runs of a linked file, in address order; empty when it has none or may have none. */
  public static List<Run> find(ElfFile elf) {
    return find(elf, true, true);
  }

  /**
   * The runs in the padding between functions ({@code padding}) and in the code segments' tails
   * ({@code tails}), under the same cuts. The tails alone are cheap to find: the padding means
   * testing every word of the code, and then looking for references into each of its runs.
   */
  public static List<Run> find(ElfFile elf, boolean padding, boolean tails) {
    return find(elf, padding, tails, null);
  }

  /**
   * {@link #find}, with the references into the tails that the scan found already ({@code known},
   * from {@link Scanner#scanForPatch}; null when it has none): then the tails alone cost no pass
   * over the code of their own.
   */
  public static List<Run> find(ElfFile elf, boolean padding, boolean tails, TailReferences known) {
    int type = elf.header().type();
    if ((type != ET_EXEC && type != ET_DYN) || !elf.hasSectionHeaders()) {
      return List.of();
    }
    UnwindRanges unwind = UnwindRanges.of(elf);
    boolean hasUnwind =
        elf.segments().stream().anyMatch(s -> s.type() == PT_GNU_EH_FRAME)
            || elf.section(".eh_frame").map(s -> s.size() > 4).orElse(false);
    if (hasUnwind && unwind.size() == 0) {
      return List.of(); // unwind tables we cannot read could cover any padding
    }
    List<CodeRegion> regions = new ArrayList<>(CodeRegion.of(elf));
    ByteBuffer bytes = elf.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<long[]> spans = padding ? padding(regions, bytes) : new ArrayList<>();
    int padded = regions.size();
    List<SegmentTail> ends = tails ? SegmentTail.of(elf) : List.of();
    for (SegmentTail t : ends) {
      // A region of its own, so that the evidence pass sees references into it.
      spans.add(new long[] {regions.size(), t.address(), t.end()});
      regions.add(region(t));
    }
    if (spans.isEmpty()) {
      return List.of();
    }
    Symbols symbols = Symbols.of(elf);
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (long[] s : spans) {
      lo = Math.min(lo, s[1]);
      hi = Math.max(hi, s[2]);
    }
    long[] written = relocated(elf, lo, hi);
    List<long[]> kept = new ArrayList<>();
    for (long[] s : spans) {
      long start = s[1];
      long end = s[2];
      if (symbols.covers(start)
          || unwind.rangeAt(start).isPresent()
          || anyIn(written, start, end)) {
        continue;
      }
      end = Math.min(end, symbols.firstStartIn(start, end));
      Optional<UnwindRanges.Range> fde = unwind.firstOverlap(start, end);
      if (fde.isPresent()) {
        end = Math.min(end, fde.get().start() & ~3L);
      }
      if (end > start) {
        kept.add(new long[] {s[0], start, end});
      }
    }
    if (kept.isEmpty()) {
      return List.of();
    }
    boolean scanned = known != null && !padding && known.tails == ends.size();
    EvidenceIndex refs = scanned ? null : EvidenceIndex.overSpans(elf, regions, bytes, kept);
    List<Run> out = new ArrayList<>();
    for (int i = 0; i < kept.size(); i++) {
      long[] s = kept.get(i);
      long first =
          scanned
              ? known.index.firstReferenceIn(known.firstTail + (int) s[0] - padded, s[1], s[2])
              : refs.firstReference(i);
      long end = first < 0 ? s[2] : first;
      if (end > s[1]) {
        CodeRegion r = regions.get((int) s[0]);
        int grows = s[0] < padded ? -1 : ends.get((int) s[0] - padded).segment();
        Run run = new Run(s[1], s[1] - r.address() + r.offset(), (end - s[1]) / 4, grows);
        if (run.inTail() || mappedAsIs(elf, run)) {
          out.add(run);
        }
      }
    }
    return out;
  }

  /**
   * The code segments' tails as regions of their own, for the evidence pass to see references into
   * them ({@link EvidenceIndex}); in {@link SegmentTail#of} order.
   */
  static List<CodeRegion> tailRegions(ElfFile elf) {
    int type = elf.header().type();
    if ((type != ET_EXEC && type != ET_DYN) || !elf.hasSectionHeaders()) {
      return List.of(); // find has no island space for them
    }
    return SegmentTail.of(elf).stream().map(IslandSpace::region).toList();
  }

  private static CodeRegion region(SegmentTail t) {
    return new CodeRegion(
        "tail of segment " + t.segment(), -1, t.offset(), t.address(), 4 * t.words(), true);
  }

  /**
   * The references into the code segments' tails, found by the scan's evidence pass ({@link
   * Scanner#scanForPatch}): tail {@code k} of {@link SegmentTail#of} is region {@code firstTail +
   * k} of {@code index}.
   */
  public static final class TailReferences {
    private final EvidenceIndex index;
    private final int firstTail;
    private final int tails;

    TailReferences(EvidenceIndex index, int firstTail, int tails) {
      this.index = index;
      this.firstTail = firstTail;
      this.tails = tails;
    }
  }

  /**
   * True when a PT_LOAD maps the run's bytes from the file where the run says: code in a section
   * that no segment loads (a damaged header) never runs, so a branch into it would not either.
   */
  private static boolean mappedAsIs(ElfFile elf, Run run) {
    long last = run.address() + 4 * (run.words() - 1);
    return elf.offsetOf(run.address()).equals(Optional.of(run.offset()))
        && elf.offsetOf(last).equals(Optional.of(run.offset() + (last - run.address())));
  }

  /** Spans {region, start, end} of nop or zero words right after an unconditional terminator. */
  private static List<long[]> padding(List<CodeRegion> regions, ByteBuffer bytes) {
    List<long[]> out = new ArrayList<>();
    for (int r = 0; r < regions.size(); r++) {
      CodeRegion region = regions.get(r);
      int from = (int) region.firstWordOffset();
      int to = (int) (region.offset() + region.size()) - 3;
      int previous = -1; // not a terminator
      int start = -1;
      int at = from;
      for (; at < to; at += 4) {
        int w = bytes.getInt(at);
        boolean pad = w == NOP || w == 0;
        if (pad && start < 0 && at > from && A64Shapes.isTerminator(previous)) {
          start = at;
        } else if (!pad && start >= 0) {
          out.add(new long[] {r, region.addressOf(start), region.addressOf(at)});
          start = -1;
        }
        previous = w;
      }
      if (start >= 0) {
        out.add(new long[] {r, region.addressOf(start), region.addressOf(at)});
      }
    }
    return out;
  }

  /** True when a sorted address in {@code sorted} lies in [from, to). */
  private static boolean anyIn(long[] sorted, long from, long to) {
    int i = Arrays.binarySearch(sorted, from);
    i = i >= 0 ? i : -i - 1;
    return i < sorted.length && sorted[i] < to;
  }

  /** The addresses the dynamic relocations write, sorted: such words are data. */
  private static long[] relocated(ElfFile elf, long lo, long hi) {
    // Only the offsets inside [lo, hi), where the spans are: a large library has about a million
    // relocations, and a search of the code segments' tails alone needs none of them (boxing and
    // sorting them all took most of patch's island search: docs/performance.md, "Fourth round").
    long[] at = new long[64];
    int n = 0;
    ByteOrder order =
        elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    try {
      for (ElfSection s : elf.sections()) {
        int entry = s.type() == SHT_RELA ? 24 : s.type() == SHT_REL ? 16 : 0;
        // The loader applies the allocated ones; others (--emit-relocs) are applied already.
        if (entry == 0 || !s.hasFileData() || !s.isAlloc()) {
          continue;
        }
        EntryBlocks t = new EntryBlocks(elf.slice(s.offset(), s.size()).order(order), entry);
        for (int k; (k = t.next()) > 0; ) {
          for (int e = 0; e < k; e += t.stride()) {
            long offset = t.block()[e]; // r_offset, the first field
            if (offset < lo || offset >= hi) {
              continue;
            }
            if (n == at.length) {
              at = Arrays.copyOf(at, 2 * n);
            }
            at[n++] = offset;
          }
        }
      }
    } catch (ElfException | IndexOutOfBoundsException e) {
      return new long[] {Long.MIN_VALUE, Long.MAX_VALUE - 1}; // unreadable: trust no padding
    }
    long[] out = Arrays.copyOf(at, n);
    Arrays.sort(out);
    return out;
  }

  /** Every defined symbol of .symtab and .dynsym as a sorted extent [start, max(end, start+1)). */
  private record Symbols(long[] start, long[] end) {
    static Symbols of(ElfFile elf) {
      List<long[]> all = new ArrayList<>();
      for (Optional<ElfSymbolTable> t : List.of(elf.symbolTable(), elf.dynamicSymbolTable())) {
        if (t.isEmpty()) {
          continue;
        }
        ElfSymbolTable table = t.get();
        for (int i = 1; i < table.count(); i++) {
          int shndx = table.shndx(i);
          int kind = table.type(i);
          if (shndx == SHN_UNDEF || kind == STT_FILE || kind == STT_TLS) {
            continue;
          }
          long v = table.value(i);
          all.add(new long[] {v, v + Math.max(1, table.size(i))});
        }
      }
      all.sort((a, b) -> Long.compare(a[0], b[0]));
      long[] s = new long[all.size()];
      long[] e = new long[all.size()];
      long reach = Long.MIN_VALUE;
      for (int i = 0; i < s.length; i++) {
        s[i] = all.get(i)[0];
        reach = Math.max(reach, all.get(i)[1]);
        e[i] = reach; // the farthest end of any symbol starting at or before s[i]
      }
      return new Symbols(s, e);
    }

    /** True when a symbol's extent holds {@code address}. */
    boolean covers(long address) {
      int i = Arrays.binarySearch(start, address);
      int last = i >= 0 ? lastAt(i) : -i - 2;
      return last >= 0 && end[last] > address;
    }

    private int lastAt(int i) {
      while (i + 1 < start.length && start[i + 1] == start[i]) {
        i++;
      }
      return i;
    }

    /** The first symbol start in [from, to), or {@code to}. */
    long firstStartIn(long from, long to) {
      int i = Arrays.binarySearch(start, from);
      i = i >= 0 ? i : -i - 1;
      while (i > 0 && start[i - 1] == from) {
        i--;
      }
      return i < start.length && start[i] < to ? start[i] & ~3L : to;
    }
  }
}
