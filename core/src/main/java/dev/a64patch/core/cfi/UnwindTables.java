package dev.a64patch.core.cfi;

import dev.a64patch.core.Names;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The unwind information a patch adds (docs/design.md, "Unwind information for trampolines"): an
 * FDE per trampoline in a new {@code .eh_frame}, and a new {@code .eh_frame_hdr} whose search table
 * holds the original FDEs and the new ones, for PT_GNU_EH_FRAME to point at. Sizes do not depend on
 * where the sections land, so the layout can be computed before the bytes.
 */
public final class UnwindTables {
  /** Where a trampoline's rules come from (the JSON and verify vocabulary). */
  public enum Source {
    /** The site's own CFI row, adjusted for the trampoline's stack use: exact. */
    SITE,
    /**
     * No CFI covers the site, but the function's code from its start to the site is a straight-line
     * prologue ({@link PrologueScan}): the frame it builds, exact.
     */
    PROLOGUE,
    /**
     * No usable CFI at the site: the frame of a function at its entry (CFA = SP, return address in
     * x30), which unwinds to the caller while the function has not yet moved SP or LR.
     */
    ASSUMED;

    /** The external spelling (lower case, as the manifest, verify and the JSON write it). */
    public String id() {
      return Names.id(this);
    }

    public static Source parse(String id) {
      return Names.parse(Source.class, id);
    }
  }

  /**
   * A trampoline to describe: the site it serves, where it starts, its instruction words, the start
   * of the function holding the site (-1 when unknown), and the bytes by which SP is already below
   * its value at the site when the trampoline starts (16 behind a long island, else 0).
   */
  public record Trampoline(
      long site, long start, List<Integer> words, int rt, long function, int entryPushed) {
    public Trampoline {
      words = List.copyOf(words);
    }
  }

  /** The decision for one trampoline. */
  public record Described(Trampoline trampoline, Source source, String why) {}

  private final boolean littleEndian;
  private final List<EhFrameHdr.Entry> original;
  private final long originalEhFrame;
  private final List<Described> described;

  /** The first description of each site's trampoline: {@link #forSite} is asked once per site. */
  private final Map<Long, Described> bySite = new HashMap<>();

  private final List<FrameWriter.Frame> frames;

  /** The new .eh_frame's size, which does not depend on its address. */
  private final long ehFrameSize;

  /**
   * The last encoding of the new .eh_frame, at {@link #encodedAt}: the plan's reach check, the
   * search table and the section each asked for the same one again, and each was a pass over every
   * row of every trampoline (docs/performance.md, "Ninth round").
   */
  private FrameWriter.Encoded encoded;

  private long encodedAt;

  /** The last search table made, for {@link #hdrAt} and {@link #hdrEhFrameAt}. */
  private byte[] hdr;

  private long hdrAt;
  private long hdrEhFrameAt;

  private UnwindTables(
      boolean littleEndian,
      List<EhFrameHdr.Entry> original,
      long originalEhFrame,
      List<Described> described,
      List<FrameWriter.Frame> frames,
      long ehFrameSize) {
    this.littleEndian = littleEndian;
    this.original = List.copyOf(original);
    this.originalEhFrame = originalEhFrame;
    this.described = List.copyOf(described);
    for (Described d : this.described) {
      bySite.putIfAbsent(d.trampoline().site(), d);
    }
    this.frames = List.copyOf(frames);
    this.ehFrameSize = ehFrameSize;
  }

  /**
   * Describes {@code trampolines} (in address order). Returns empty when the file's own unwind
   * tables cannot be read: a new table could not index the original FDEs, so the file keeps its
   * PT_GNU_EH_FRAME and the trampolines get no CFI.
   */
  public static Optional<UnwindTables> of(ElfFile elf, List<Trampoline> trampolines) {
    boolean le = elf.header().isLittleEndian();
    EhFrame frames;
    List<EhFrameHdr.Entry> original;
    try {
      frames = EhFrame.of(elf);
      Optional<List<EhFrameHdr.Entry>> table = EhFrameHdr.table(elf);
      original =
          table.orElseGet(
              () ->
                  frames.fdes().stream()
                      .map(f -> new EhFrameHdr.Entry(f.pcBegin(), f.vaddr()))
                      .toList());
    } catch (ElfException | CfaProgram.BadProgram e) {
      return Optional.empty();
    }
    List<Described> described = new ArrayList<>();
    List<FrameWriter.Frame> out = new ArrayList<>();
    for (Trampoline t : trampolines) {
      Source source = Source.SITE;
      String why = "";
      Row site = null;
      boolean bKey = false;
      Optional<Fde> fde = frames.fdeFor(t.site());
      if (fde.isEmpty()) {
        source = Source.ASSUMED;
        why = "no FDE covers the site";
      } else {
        try {
          site = CfaProgram.rowAt(fde.get(), t.site(), le);
          bKey = fde.get().cie().bKey();
        } catch (CfaProgram.BadProgram e) {
          source = Source.ASSUMED;
          why = e.getMessage();
        }
      }
      List<Row> rows =
          site == null
              ? null
              : TrampolineFrames.rows(site, t.start(), t.words(), t.rt(), t.entryPushed());
      if (site != null && rows == null) {
        source = Source.ASSUMED;
        why = "the site's rules depend on x" + t.rt() + ", which the trampoline writes";
      }
      if (rows == null && fde.isEmpty()) {
        PrologueScan.Frame frame = PrologueScan.at(t.site(), functionWords(elf, t));
        if (frame != null) {
          rows = TrampolineFrames.rows(frame.row(), t.start(), t.words(), t.rt(), t.entryPushed());
          bKey = frame.bKey();
          if (rows != null) {
            source = Source.PROLOGUE;
            why = "no FDE covers the site; rules from the function's prologue";
          }
        }
      }
      if (rows == null) {
        Row entry = new Row(t.site(), Cfa.of(Dwarf.SP, 0), Map.of(), false);
        rows = TrampolineFrames.rows(entry, t.start(), t.words(), t.rt(), t.entryPushed());
        bKey = false;
      }
      described.add(new Described(t, source, why));
      out.add(new FrameWriter.Frame(t.start(), t.words().size() * 4L, rows, bKey));
    }
    long size = new FrameWriter(le).encode(0, out).bytes().length;
    return Optional.of(new UnwindTables(le, original, frames.vaddr(), described, out, size));
  }

  /** At most this many instructions between a function's start and a site are scanned. */
  private static final int PROLOGUE_LIMIT = 256;

  /** The words from the function's start up to the site, or none when unknown or too many. */
  private static List<Integer> functionWords(ElfFile elf, Trampoline t) {
    long n = (t.site() - t.function()) / 4;
    if (t.function() < 0 || n < 0 || n > PROLOGUE_LIMIT || (t.site() - t.function()) % 4 != 0) {
      return List.of(0); // not a prologue: the scan gives up
    }
    Optional<Long> off = elf.offsetOf(t.function());
    if (off.isEmpty() || off.get() + 4 * n > elf.size()) {
      return List.of(0);
    }
    java.nio.ByteBuffer b =
        elf.slice(off.get(), 4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN); // instructions
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(b.getInt(4 * i));
    }
    return out;
  }

  public List<Described> described() {
    return described;
  }

  /**
   * The same tables with the trampolines moved to {@code starts} (one per trampoline, in order).
   */
  public UnwindTables relocated(List<Long> starts) {
    if (starts.size() != frames.size()) {
      throw new IllegalArgumentException(
          starts.size() + " starts for " + frames.size() + " frames");
    }
    List<Described> d = new ArrayList<>();
    List<FrameWriter.Frame> f = new ArrayList<>();
    for (int i = 0; i < frames.size(); i++) {
      FrameWriter.Frame old = frames.get(i);
      long by = starts.get(i) - old.start();
      f.add(
          new FrameWriter.Frame(
              starts.get(i),
              old.length(),
              old.rows().stream().map(r -> r.at(r.loc() + by)).toList(),
              old.bKey()));
      Described x = described.get(i);
      Trampoline t = x.trampoline();
      d.add(
          new Described(
              new Trampoline(
                  t.site(), starts.get(i), t.words(), t.rt(), t.function(), t.entryPushed()),
              x.source(),
              x.why()));
    }
    return new UnwindTables(littleEndian, original, originalEhFrame, d, f, ehFrameSize);
  }

  /**
   * Whether every address the search table at {@code hdrVaddr} refers to is within its signed
   * 32-bit reach.
   */
  public boolean fits(long hdrVaddr, long ehFrameVaddr) {
    try {
      hdr(hdrVaddr, ehFrameVaddr);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The description of the trampoline for {@code site}, if it has one. */
  public Optional<Described> forSite(long site) {
    return Optional.ofNullable(bySite.get(site));
  }

  public long ehFrameSize() {
    return ehFrameSize;
  }

  public long hdrSize() {
    return EhFrameHdr.size(original.size() + frames.size());
  }

  /** The new .eh_frame at {@code vaddr}. */
  public byte[] ehFrame(long vaddr) {
    return encoded(vaddr).bytes().clone(); // the caller's own: an image adopts it
  }

  private synchronized FrameWriter.Encoded encoded(long vaddr) {
    if (encoded == null || encodedAt != vaddr) {
      encoded = new FrameWriter(littleEndian).encode(vaddr, frames);
      encodedAt = vaddr;
    }
    return encoded;
  }

  /**
   * The new .eh_frame_hdr at {@code hdrVaddr}, indexing the original FDEs and those of the new
   * .eh_frame at {@code ehFrameVaddr}. Its eh_frame_ptr names the original .eh_frame when there is
   * one (unwinders that scan linearly start there), else the new one.
   */
  public synchronized byte[] hdr(long hdrVaddr, long ehFrameVaddr) {
    if (hdr == null || hdrAt != hdrVaddr || hdrEhFrameAt != ehFrameVaddr) {
      hdr = newHdr(hdrVaddr, ehFrameVaddr);
      hdrAt = hdrVaddr;
      hdrEhFrameAt = ehFrameVaddr;
    }
    return hdr.clone(); // the caller's own: an image adopts it
  }

  private byte[] newHdr(long hdrVaddr, long ehFrameVaddr) {
    long[] fdes = encoded(ehFrameVaddr).fdeAddresses();
    List<EhFrameHdr.Entry> all = new ArrayList<>(original);
    for (int i = 0; i < frames.size(); i++) {
      all.add(new EhFrameHdr.Entry(frames.get(i).start(), fdes[i]));
    }
    long ptr = originalEhFrame != 0 ? originalEhFrame : ehFrameVaddr;
    return EhFrameHdr.encode(hdrVaddr, ptr, all, littleEndian);
  }
}
