package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.cfi.UnwindTables;
import dev.a64patch.core.encode.A64;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.scan.AArch64Check;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.Uncertainty;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code ElfFile + findings + options -> PatchPlan}; pure, no I/O. */
public final class Planner {
  public static final String MANIFEST_SECTION = ".a64patch.manifest";

  private Planner() {}

  /**
   * Decides every site once ({@link #decide}), settles which trampolines are within reach of their
   * sites on a provisional layout, then lays the new sections out and encodes the trampolines at
   * their final addresses.
   */
  public static PatchPlan plan(ElfFile elf, ScanResult scan, PatchOptions options) {
    return plan(elf, scan, options, null);
  }

  /**
   * {@link #plan}, with the references into the code segments' tails that the scan found ({@link
   * dev.a64patch.core.scan.Scanner#scanForPatch}; null to have the island search find them).
   */
  static PatchPlan plan(
      ElfFile elf, ScanResult scan, PatchOptions options, IslandSpace.TailReferences tails) {
    check(elf);
    Set<SysReg> chosen = options.effectiveRegisters();
    ClockImport.Check clock =
        options.strategy() == Strategy.COUNTER
            ? ClockImport.check(elf)
            : new ClockImport.Check(null, "");
    List<SitePlan> sites = new ArrayList<>();
    for (Finding f : scan.findings()) {
      sites.add(decide(f, chosen, options, clock.possible()));
    }
    List<SitePlan> placed = withinReach(elf, sites, options, tails);
    Map<NewSection, Long> sizes = sizes(placed, options, clock);
    UnwindTables unwind =
        placed.isEmpty() ? null : UnwindTables.of(elf, unplaced(placed, options)).orElse(null);
    if (unwind != null) {
      sizes.put(NewSection.EH_FRAME, unwind.ehFrameSize());
      sizes.put(NewSection.EH_FRAME_HDR, unwind.hdrSize());
    }
    Layout layout = Layout.compute(elf, sizes, options.maxPadding());
    List<Long> starts = place(placed, sites, layout, options);
    if (unwind != null) {
      unwind = unwind.relocated(starts);
      if (!unwind.fits(
          layout.section(NewSection.EH_FRAME_HDR).orElseThrow().vaddr(),
          layout.section(NewSection.EH_FRAME).orElseThrow().vaddr())) {
        // The search table holds 32-bit offsets; an object spanning more than 2 GiB (a huge
        // .bss) keeps its own table, and the trampolines get no unwind information.
        unwind = null;
        sizes.remove(NewSection.EH_FRAME);
        sizes.remove(NewSection.EH_FRAME_HDR);
        layout = Layout.compute(elf, sizes, options.maxPadding());
        place(placed, sites, layout, options);
      }
    }
    sites.sort((a, b) -> Long.compare(a.finding().offset(), b.finding().offset()));
    boolean shared = layout.section(NewSection.DYNSYM).isPresent();
    List<String> notes = new ArrayList<>();
    if (!clock.reason().isEmpty() && placed.stream().anyMatch(s -> s.kind().usesData())) {
      notes.add("own counter, not the process's shared clock: " + clock.reason());
    }
    return new PatchPlan(
        elf.name(),
        options,
        layout,
        sites,
        shared ? clock.clock().edits(layout) : List.of(),
        notes,
        unwind,
        SegmentGrowth.of(elf, sites));
  }

  /** Encodes each placed trampoline at its final address; returns the addresses, in order. */
  private static List<Long> place(
      List<SitePlan> placed, List<SitePlan> sites, Layout layout, PatchOptions options) {
    long pc = layout.section(NewSection.TRAMPOLINES).map(Layout.Section::vaddr).orElse(-1L);
    long data = layout.section(NewSection.TRAMPOLINE_DATA).map(Layout.Section::vaddr).orElse(0L);
    List<Long> starts = new ArrayList<>();
    Map<Finding, Integer> positions = positions(sites);
    for (SitePlan s : placed) {
      Finding f = s.finding();
      // The chain was planned for the provisional address, with REACH_MARGIN to spare: only
      // the last hop towards the trampoline learns the final one.
      SitePlan chained = s.towards(pc);
      List<Insn> code =
          s.far()
              ? Trampolines.encodeFar(s.kind(), f.rt(), s.returnTo(), pc, data, options)
              : Trampolines.encodeReturningTo(s.kind(), f.rt(), s.returnTo(), pc, data, options);
      sites.set(
          indexOf(positions, f), chained.placed(pc, code, A64.b(f.address(), chained.entry(pc))));
      starts.add(pc);
      pc += code.size() * 4L;
    }
    return starts;
  }

  /**
   * The trampolines to describe, before they have addresses: their stack use, and so their unwind
   * rows, does not depend on where they are (see {@link UnwindTables#relocated}).
   */
  private static List<UnwindTables.Trampoline> unplaced(
      List<SitePlan> placed, PatchOptions options) {
    List<UnwindTables.Trampoline> out = new ArrayList<>();
    for (SitePlan s : placed) {
      Finding f = s.finding();
      long at = f.address();
      // Words only for their stack use, which does not depend on addresses: the shape's shared
      // list, which the unwind tables keep until the file is written.
      List<Integer> words = Trampolines.shapeWords(s.far(), s.kind(), f.rt(), options);
      long function = f.symbol() == null ? -1 : f.address() - f.symbol().offset();
      // A long island has lowered SP by 16 before the trampoline runs.
      int pushed = s.far() ? 16 : 0;
      out.add(new UnwindTables.Trampoline(f.address(), at, words, f.rt(), function, pushed));
    }
    return out;
  }

  /**
   * The sites that keep their trampoline, in order; the others get the out-of-range policy's
   * decision in {@code sites}. The trampolines' start address does not depend on their total size
   * or on the segments after theirs, so reach is settled on a provisional layout; dropping a
   * trampoline only moves later ones closer.
   */
  private static List<SitePlan> withinReach(
      ElfFile elf, List<SitePlan> sites, PatchOptions options, IslandSpace.TailReferences tails) {
    List<SitePlan> want =
        sites.stream().filter(s -> s.action() == SitePlan.Action.TRAMPOLINE).toList();
    if (want.isEmpty()) {
      return want;
    }
    Map<NewSection, Long> provisional = new EnumMap<>(NewSection.class);
    provisional.put(NewSection.TRAMPOLINES, 4L);
    provisional.put(NewSection.TRAMPOLINE_DATA, (long) Trampolines.DATA_SIZE);
    Layout layout = Layout.provisional(elf, provisional);
    long at = layout.section(NewSection.TRAMPOLINES).orElseThrow().vaddr();
    List<SitePlan> placed = new ArrayList<>();
    List<SitePlan> outOfRange = new ArrayList<>();
    IslandPlanner islands = null;
    for (SitePlan s : want) {
      Finding f = s.finding();
      int size = Trampolines.size(s.kind(), f.rt(), options);
      if (reaches(f.address(), at) && reaches(at + size - 4, f.address() + 4)) {
        placed.add(s);
        at += size;
        continue;
      }
      if (islands == null) {
        islands = IslandPlanner.of(elf, tails); // only files with far reads pay for the search
      }
      int far = Trampolines.farSize(s.kind(), f.rt(), options);
      Optional<SitePlan> through = throughIslands(islands, s, at, size, far);
      if (through.isPresent()) {
        placed.add(through.get());
        at += through.get().far() ? far : size;
      } else {
        outOfRange.add(s);
      }
    }
    // Advice must lead to a run that succeeds: when the reads in reach also need more padding
    // than allowed, the out-of-range refusal names both settings (an empty plan needs no padding).
    Remedy also = null;
    boolean possible = true;
    if (!placed.isEmpty()) {
      possible = layout.fits();
      also = layout.paddingRemedy(options.maxPadding());
    }
    boolean noSpace = islands != null && !outOfRange.isEmpty() && islands.none();
    Map<Finding, Integer> positions = positions(sites);
    for (SitePlan s : outOfRange(elf, outOfRange, options, possible, also, noSpace)) {
      sites.set(indexOf(positions, s.finding()), s);
    }
    return placed;
  }

  /**
   * {@code s} through a chain of islands to its trampoline at {@code at} ({@code size} bytes), or
   * where no chain crosses the gap (a large .bss between the code and the new segment), through
   * long islands near the site that jump to it with BR ({@code far} bytes); empty when the island
   * space has no room for either.
   */
  private static Optional<SitePlan> throughIslands(
      IslandPlanner islands, SitePlan s, long at, int size, int far) {
    Finding f = s.finding();
    // A chain (no register, no stack) before long islands; the code segments' tails before the
    // padding between functions, which is only searched when they have no room (IslandPlanner.of).
    Optional<List<Island>> chain = islands.chain(f.address(), at, at + size - 4, f.rt());
    if (chain.isEmpty() && islands.chainMayReach(at) && islands.widen()) {
      chain = islands.chain(f.address(), at, at + size - 4, f.rt());
    }
    if (chain.isPresent()) {
      return Optional.of(s.through(chain.get()));
    }
    Optional<List<Island>> pair = islands.far(f.address(), at, at + far - 4, f.rt());
    if (pair.isEmpty() && islands.widen()) {
      pair = islands.far(f.address(), at, at + far - 4, f.rt());
    }
    return pair.map(s::through);
  }

  /**
   * Reach is settled on a provisional layout whose trampoline addresses can still move by a few
   * program headers (the final layout may add segments and so entries to the table before them); a
   * branch planned with this much to spare still reaches.
   */
  static final long REACH_MARGIN = 1 << 20;

  static boolean reaches(long from, long to) {
    return A64.inBranchRange(from, to) && Math.abs(to - from) < A64.BRANCH_RANGE - REACH_MARGIN;
  }

  /**
   * Where each finding's site is in {@code sites}, by identity: looking each up in the list made
   * placing 8,000 trampolines quadratic (docs/performance.md, "Ninth round").
   */
  private static Map<Finding, Integer> positions(List<SitePlan> sites) {
    Map<Finding, Integer> at = new IdentityHashMap<>(sites.size() * 2);
    for (int i = 0; i < sites.size(); i++) {
      at.putIfAbsent(sites.get(i).finding(), i);
    }
    return at;
  }

  private static int indexOf(Map<Finding, Integer> positions, Finding f) {
    Integer i = positions.get(f);
    if (i == null) {
      throw new IllegalStateException("no site for " + f);
    }
    return i;
  }

  /** What the layout must hold for the placed trampolines. */
  private static Map<NewSection, Long> sizes(
      List<SitePlan> placed, PatchOptions options, ClockImport.Check clock) {
    Map<NewSection, Long> sizes = new EnumMap<>(NewSection.class);
    if (placed.isEmpty()) {
      return sizes;
    }
    long code = 0;
    for (SitePlan s : placed) {
      code +=
          s.far()
              ? Trampolines.farSize(s.kind(), s.finding().rt(), options)
              : Trampolines.size(s.kind(), s.finding().rt(), options);
    }
    sizes.put(NewSection.TRAMPOLINES, code);
    if (placed.stream().anyMatch(s -> s.kind().usesData())) {
      sizes.put(NewSection.TRAMPOLINE_DATA, (long) Trampolines.DATA_SIZE);
    }
    if (placed.stream().anyMatch(s -> s.kind() == Trampolines.Kind.SHARED_COUNTER)) {
      sizes.putAll(clock.clock().sizes());
    }
    return sizes;
  }

  private static void check(ElfFile elf) {
    AArch64Check.require(elf);
    int type = elf.header().type();
    if (type != ET_EXEC && type != ET_DYN) {
      throw new PatchException(
          elf.name(),
          "not an executable or shared library (e_type "
              + type
              + "); patch the linked program or library instead");
    }
    if (Manifest.isPatched(elf)) {
      throw new PatchException(elf.name(), "already patched by a64patch; restore it first");
    }
    if (elf.segments().stream().noneMatch(s -> s.isLoad())) {
      throw new PatchException(elf.name(), "has no PT_LOAD segment");
    }
    checkLoadOrder(elf);
    if (elf.header().shnum() + 4 >= SHN_LORESERVE) {
      throw new PatchException(
          elf.name(),
          "has "
              + elf.header().shnum()
              + " sections; files needing extended section numbering are not supported");
    }
  }

  /**
   * gABI: PT_LOAD entries ascend by p_vaddr. The loader sizes the mapping from the first and the
   * last, and the new segments go after the last, so a file that breaks the rule cannot be patched
   * into one that loads (found by fuzzing: such an output failed verify). Bad input, exit 3.
   */
  private static void checkLoadOrder(ElfFile elf) {
    ElfSegment previous = null;
    for (ElfSegment s : elf.segments()) {
      if (!s.isLoad()) {
        continue;
      }
      if (previous != null && Long.compareUnsigned(s.vaddr(), previous.vaddr()) < 0) {
        throw new A64PatchException(
            FailureKind.BAD_INPUT,
            elf.name(),
            String.format(
                "PT_LOAD segments are not in ascending p_vaddr order (segment %d at 0x%x follows"
                    + " segment %d at 0x%x); the loader cannot map it as written",
                s.index(), s.vaddr(), previous.index(), previous.vaddr()),
            null);
      }
      previous = s;
    }
  }

  /**
   * The one decision for a site: left (with the reason), rewritten in place, or a trampoline of
   * which kind (placed later, or given the out-of-range policy's decision when out of reach).
   */
  private static SitePlan decide(
      Finding f, Set<SysReg> chosen, PatchOptions options, boolean sharedClock) {
    if (!chosen.contains(f.register())) {
      return SitePlan.skipped(
          f,
          f.register() == SysReg.PMCCNTR_EL0
              ? "PMCCNTR_EL0 is only reported (a PMU read, not a clock)"
              : f.register()
                  + " not selected (see --registers"
                  + (f.register().kind() == SysReg.Kind.RANDOM ? ", --rndr)" : ")"));
    }
    if (!f.patchable()) {
      return SitePlan.skipped(f, dataInCode(f));
    }
    if (!f.reasons().isEmpty() && !options.includeUncertain()) {
      return SitePlan.skipped(
          f,
          "uncertain ("
              + f.reasons().stream().map(Uncertainty::id).collect(Collectors.joining(", "))
              + "); rewrite with --include-uncertain");
    }
    if (f.rt() == 31) {
      return SitePlan.inPlace(f, A64.NOP, "reads into xzr have no effect: nop");
    }
    Trampolines.Kind kind = Trampolines.kindFor(f.register(), options);
    if (kind == null) {
      return options.strategy() == Strategy.ZERO
          ? SitePlan.inPlace(f, A64.movz(f.rt(), 0, 0), "")
          : SitePlan.inPlace(f, A64.NOP, "");
    }
    if (kind == Trampolines.Kind.COUNTER && sharedClock) {
      kind = Trampolines.Kind.SHARED_COUNTER;
    }
    return SitePlan.wantsTrampoline(f, kind);
  }

  /** Why a word with data evidence stays: "data in code ($d mapping symbol): never rewritten". */
  private static String dataInCode(Finding f) {
    String why =
        f.reasons().contains(Uncertainty.DATA_MAPPING)
            ? "$d mapping symbol"
            : f.evidence().data().isEmpty() ? "data evidence" : f.evidence().data().get(0);
    return "data in code (" + why + "): never rewritten";
  }

  /**
   * The sites that neither reach their trampoline nor find room for islands (a chain, or long
   * islands) get the out-of-range policy's decision.
   *
   * @param possible whether any setting lets the file through (false: the reads in reach need a
   *     file larger than a64patch can read back, so the refusal gives no advice)
   * @param also a further setting the reads in reach need, or null
   * @param noSpace true when the file has no island space at all (else none near these sites)
   */
  private static List<SitePlan> outOfRange(
      ElfFile elf,
      List<SitePlan> planned,
      PatchOptions options,
      boolean possible,
      Remedy also,
      boolean noSpace) {
    List<Finding> sites = planned.stream().map(SitePlan::finding).toList();
    if (sites.isEmpty()) {
      return List.of();
    }
    String why =
        "trampoline out of reach of B (±128 MiB)"
            + (noSpace ? ", no island space" : ", no room for islands near it");
    Remedy choice = Remedy.of("choose", Setting.OUT_OF_RANGE, "skip", "zero", "nop");
    return switch (options.outOfRange()) {
      case FAIL ->
          throw new PatchException(
              elf.name(),
              String.format(
                  "%d read(s) are more than 128 MiB from the new segment (first at 0x%x) and %s",
                  sites.size(),
                  sites.get(0).address(),
                  noSpace
                      ? "the file has no island space (executable padding or a code segment tail)"
                      : "the island space near them (padding, code segment tail) has no room for"
                          + " islands"),
              !possible ? null : also == null ? choice : choice.and(also));
      case SKIP -> sites.stream().map(f -> SitePlan.skipped(f, why)).toList();
      case ZERO ->
          sites.stream()
              .map(f -> SitePlan.inPlace(f, A64.movz(f.rt(), 0, 0), why + ": movz"))
              .toList();
      case NOP -> sites.stream().map(f -> SitePlan.inPlace(f, A64.NOP, why + ": nop")).toList();
    };
  }
}
