package dev.a64patch.core.scan;

import dev.a64patch.core.demangle.CxxFilt;
import dev.a64patch.core.disasm.InstructionDecoder;
import dev.a64patch.elf.ElfFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ElfFile -> ScanResult}: a raw word match over every code region, then, for the few
 * candidates only, symbol attribution and a Capstone plausibility check.
 */
public final class Scanner {
  /**
   * The manifest section name of dev.a64patch.core.patch.Planner; scan only needs to know it
   * exists.
   */
  static final String PATCHED_MARKER = ".a64patch.manifest";

  private final ScanOptions options;
  private final WordMatcher matcher;
  private final CxxFilt demangler;
  private final boolean inC;

  public Scanner(ScanOptions options) {
    this(options, CxxFilt.shared());
  }

  Scanner(ScanOptions options, CxxFilt demangler) {
    this(options, demangler, NativeLoops.available());
  }

  /** With the C loops ({@code inC}, when loaded) or the Java loops: tests compare both. */
  Scanner(ScanOptions options, CxxFilt demangler, boolean inC) {
    this.options = options;
    this.matcher = new WordMatcher(options.registers(), inC);
    this.demangler = demangler;
    this.inC = inC;
  }

  public static ScanResult scan(ElfFile elf, ScanOptions options) {
    return new Scanner(options).scan(elf);
  }

  /**
   * What patch scans: every register, and with the references into the code segments' tails, where
   * islands may go, found in the same pass ({@link IslandSpace#find}); null when the pass did not
   * run (a file without reads needs no islands) or the file has no tails.
   */
  public record ForPatch(ScanResult result, IslandSpace.TailReferences tails) {}

  /** The scan patch makes: see {@link ForPatch}. */
  public static ForPatch scanForPatch(ElfFile elf) {
    return new Scanner(ScanOptions.defaults()).scan(elf, true);
  }

  public ScanResult scan(ElfFile elf) {
    return scan(elf, false).result();
  }

  /**
   * Whether a word of {@code elf}'s code that may differ from {@code original}'s reads one of
   * {@code registers}: the words of the code regions {@code original} lacks, and of the {@code
   * changed} ranges ({start, end} file offsets) of those it has, are matched; the others are taken
   * to be {@code original}'s, whose reads a scan of it found. For a result that is known to hold
   * {@code original}'s bytes outside {@code changed} (patch's proof). No evidence pass: a match is
   * reported, not judged.
   */
  public static boolean readsWhereChanged(
      ElfFile elf, ElfFile original, Set<SysReg> registers, List<long[]> changed) {
    AArch64Check.require(elf);
    WordMatcher matcher = new WordMatcher(registers);
    List<CodeRegion> before = CodeRegion.of(original);
    ByteBuffer bytes = elf.bytes();
    for (CodeRegion r : CodeRegion.of(elf)) {
      long start = r.firstWordOffset();
      long end = r.offset() + r.size();
      if (!r.sameBytesIn(before)) {
        if (matches(matcher, bytes, start, end, end)) {
          return true;
        }
        continue;
      }
      for (long[] c : changed) {
        // Every word that holds a changed byte: from the word of the first, to the end of the last.
        long from = Math.max(c[0], start);
        long to = Math.min(c[1], end);
        if (from < to && matches(matcher, bytes, from - (from - start) % 4, to, end)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a word that starts in [from, to) matches, one straddling {@code to} included, one
   * straddling the region's {@code end} not.
   */
  private static boolean matches(
      WordMatcher matcher, ByteBuffer bytes, long from, long to, long end) {
    long last = Math.min(end, to + 3);
    return from < last && matcher.find(bytes, (int) from, (int) last).length > 0;
  }

  private ForPatch scan(ElfFile elf, boolean withTails) {
    AArch64Check.require(elf);
    List<CodeRegion> regions = CodeRegion.of(elf);
    List<String> notes = new ArrayList<>();
    if (!elf.hasSectionHeaders()) {
      notes.add("no section headers: scanned PF_X segments, which may also hold read-only data");
    }
    if (elf.section(PATCHED_MARKER).isPresent()) {
      notes.add(
          "patched by a64patch: the reads listed were left alone; 'a64patch verify' explains why");
    }
    ByteBuffer bytes = elf.bytes();
    long codeBytes = 0;
    List<long[]> candidates = new ArrayList<>(); // {region index, file offset}
    for (int r = 0; r < regions.size(); r++) {
      CodeRegion region = regions.get(r);
      codeBytes += region.size();
      int from = (int) region.firstWordOffset();
      int to = (int) (region.offset() + region.size());
      for (int at : matcher.find(bytes, from, to)) {
        candidates.add(new long[] {r, at});
      }
    }
    if (candidates.isEmpty()) {
      return new ForPatch(
          new ScanResult(elf.name(), elf.header().describe(), codeBytes, List.of(), notes), null);
    }
    // A large file's symbol index (about 10 ms for a 100 MB library) is read on another core
    // while the evidence pass runs; a small file's first, on this thread (and any file's, with
    // one core).
    Aside<SymbolIndex> pending =
        WordMatcher.worthWorkAside(
                codeBytes, Runtime.getRuntime().availableProcessors(), WordMatcher.PARALLEL_BYTES)
            ? Aside.start(() -> SymbolIndex.of(elf))
            : Aside.done(SymbolIndex.of(elf));
    List<EvidenceIndex.Candidate> list = new ArrayList<>(candidates.size());
    for (long[] c : candidates) {
      list.add(new EvidenceIndex.Candidate((int) c[0], c[1]));
    }
    List<CodeRegion> tails = withTails ? IslandSpace.tailRegions(elf) : List.of();
    EvidenceIndex evidence;
    try {
      evidence = EvidenceIndex.build(elf, regions, bytes, list, tails, inC);
    } catch (RuntimeException | Error e) {
      pending.join(); // the symbol index's failure first, as when it was read first
      throw e;
    }
    SymbolIndex symbols = pending.join();
    List<Finding> findings = new ArrayList<>(candidates.size());
    try (InstructionDecoder decoder = InstructionDecoder.open()) {
      for (int i = 0; i < list.size(); i++) {
        EvidenceIndex.Candidate c = list.get(i);
        findings.add(
            describe(bytes, regions.get(c.region()), c.offset(), symbols, evidence, i, decoder));
      }
    }
    findings.sort((a, b) -> Long.compare(a.offset(), b.offset()));
    return new ForPatch(
        new ScanResult(elf.name(), elf.header().describe(), codeBytes, demangled(findings), notes),
        tails.isEmpty()
            ? null
            : new IslandSpace.TailReferences(evidence, regions.size(), tails.size()));
  }

  /** The findings with their function names demangled, all of a file's names in one batch. */
  private List<Finding> demangled(List<Finding> findings) {
    List<String> names =
        findings.stream()
            .map(Finding::symbol)
            .filter(s -> s != null && !s.unnamed())
            .map(SymbolRef::name)
            .distinct()
            .toList();
    if (names.isEmpty()) {
      return findings;
    }
    Map<String, String> demangled = new HashMap<>();
    List<String> answers = demangler.demangle(names);
    for (int i = 0; i < names.size(); i++) {
      demangled.put(names.get(i), answers.get(i));
    }
    return findings.stream()
        .map(
            f ->
                f.symbol() == null || f.symbol().unnamed()
                    ? f
                    : f.withSymbol(f.symbol().withDemangled(demangled.get(f.symbol().name()))))
        .toList();
  }

  private Finding describe(
      ByteBuffer bytes,
      CodeRegion region,
      long offset,
      SymbolIndex symbols,
      EvidenceIndex evidence,
      int index,
      InstructionDecoder decoder) {
    int word = bytes.getInt((int) offset);
    SysReg reg = SysReg.of(word).orElseThrow();
    long address = region.addressOf(offset);
    Optional<SymbolIndex.Function> function = symbols.functionAt(address, region.sectionIndex());
    boolean dollarD = symbols.inData(address, region.sectionIndex());
    EvidenceIndex.Judgement judged =
        evidence.judge(index, function.map(f -> symbols.evidence(f)), dollarD);
    Set<Uncertainty> reasons = EnumSet.noneOf(Uncertainty.class);
    if (region.viaSegment()) {
      reasons.add(Uncertainty.SEGMENTS_ONLY);
    }
    if (dollarD) {
      reasons.add(Uncertainty.DATA_MAPPING);
    }
    if (judged.loaded()) {
      reasons.add(Uncertainty.DATA_LOAD);
    }
    if (judged.unreachable()) {
      reasons.add(Uncertainty.UNREACHABLE);
    }
    if (judged.evidence().code().isEmpty() && judged.evidence().data().isEmpty()) {
      reasons.add(Uncertainty.OUTSIDE_FUNCTION);
    }
    long lo = region.offset();
    long hi = region.offset() + region.size();
    if (function.isPresent()) {
      lo = Math.max(lo, offset - (address - function.get().start()));
      long end = function.get().end();
      if (end - address < hi - offset) {
        hi = offset + (end - address);
      }
    }
    if (decoder.available() && !neighboursDecode(bytes, region, offset, lo, hi, decoder)) {
      reasons.add(Uncertainty.UNDECODABLE);
    }
    List<String> context =
        options.contextLines() > 0
            ? context(bytes, region, offset, decoder, options.contextLines())
            : List.of();
    return new Finding(
        reg,
        word & 31,
        word,
        offset,
        address,
        region.name(),
        function.map(f -> symbols.ref(f, address)).orElse(null),
        List.copyOf(reasons),
        context,
        judged.evidence());
  }

  /**
   * The words right before and after the site, where they lie inside [lo, hi), must be
   * instructions.
   */
  private static boolean neighboursDecode(
      ByteBuffer bytes,
      CodeRegion region,
      long offset,
      long lo,
      long hi,
      InstructionDecoder decoder) {
    for (long at : new long[] {offset - 4, offset + 4}) {
      if (at >= lo
          && at + 4 <= hi
          && decoder.decode(bytes.getInt((int) at), region.addressOf(at)).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> context(
      ByteBuffer bytes, CodeRegion region, long offset, InstructionDecoder decoder, int lines) {
    List<String> out = new ArrayList<>();
    for (long at = offset - 4L * lines; at <= offset + 4L * lines; at += 4) {
      if (!region.containsOffset(at)) {
        continue;
      }
      int w = bytes.getInt((int) at);
      String text =
          decoder.available()
              ? decoder
                  .decode(w, region.addressOf(at))
                  .orElse(".inst 0x" + String.format("%08x", w) + " (undefined)")
              : String.format(".inst 0x%08x", w);
      out.add(
          String.format(
              "%s %x: %08x  %s", at == offset ? "=>" : "  ", region.addressOf(at), w, text));
    }
    return out;
  }
}
