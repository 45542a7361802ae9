package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.Targets;
import dev.a64patch.core.scan.Uncertainty;
import dev.a64patch.elf.ElfFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code ElfFile + findings + options -> PatchPlan}; pure, no I/O. */
public final class Planner {
  public static final String MANIFEST_SECTION = ".a64patch.manifest";
  static final int PHDR_SIZE = 56;

  private Planner() {}

  public static PatchPlan plan(ElfFile elf, ScanResult scan, PatchOptions options) {
    check(elf);
    Set<SysReg> chosen = options.effectiveRegisters();
    List<SitePlan> decided = new ArrayList<>();
    List<Finding> wantTrampoline = new ArrayList<>();
    for (Finding f : scan.findings()) {
      SitePlan p = decide(f, chosen, options);
      if (p == null) {
        wantTrampoline.add(f);
      } else {
        decided.add(p);
      }
    }
    int phnum = elf.header().phnum() + 2;
    long tablesEnd =
        (long) phnum * PHDR_SIZE; // trampolines follow the table without a gap (see Layout)
    // The text segment's address does not depend on its size, so reach can be settled
    // on a provisional layout; dropping a trampoline only moves later ones closer.
    Layout provisional =
        Layout.compute(
            elf, wantTrampoline.isEmpty() ? 0 : tablesEnd + 4, true, options.maxPadding());
    List<Finding> placed = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    long at = provisional.text() == null ? 0 : provisional.text().vaddr() + tablesEnd;
    List<Finding> outOfRange = new ArrayList<>();
    for (Finding f : wantTrampoline) {
      int size = Trampolines.size(Trampolines.kindFor(f.register(), options), f.rt(), options);
      if (A64.inBranchRange(f.address(), at) && A64.inBranchRange(at + size - 4, f.address() + 4)) {
        placed.add(f);
        sizes.add(size);
        at += size;
      } else {
        outOfRange.add(f);
      }
    }
    decided.addAll(outOfRange(elf, outOfRange, options));
    boolean needData =
        placed.stream().anyMatch(f -> needsData(Trampolines.kindFor(f.register(), options)));
    if (!needData) {
      phnum--;
      tablesEnd = (long) phnum * PHDR_SIZE;
    }
    long textSize =
        placed.isEmpty() ? 0 : tablesEnd + sizes.stream().mapToLong(Integer::longValue).sum();
    Layout layout = Layout.compute(elf, textSize, needData, options.maxPadding());
    if (placed.isEmpty()) {
      phnum = elf.header().phnum();
    }
    long base = layout.text() == null ? -1 : layout.text().vaddr() + tablesEnd;
    long data = layout.data() == null ? 0 : layout.data().vaddr();
    long pc = base;
    for (Finding f : placed) {
      Trampolines.Kind kind = Trampolines.kindFor(f.register(), options);
      List<Insn> code = Trampolines.encode(kind, f.rt(), f.address(), pc, data, options);
      decided.add(
          new SitePlan(f, SitePlan.Action.TRAMPOLINE, A64.b(f.address(), pc), pc, kind, code, ""));
      pc += code.size() * 4L;
    }
    decided.sort((a, b) -> Long.compare(a.finding().offset(), b.finding().offset()));
    return new PatchPlan(elf.name(), options, layout, decided, phnum, base);
  }

  private static void check(ElfFile elf) {
    Targets.requireAArch64(elf);
    int type = elf.header().type();
    if (type != ET_EXEC && type != ET_DYN) {
      throw new PatchException(
          elf.name(),
          "not an executable or shared library (e_type "
              + type
              + "); patch the linked program or library instead");
    }
    if (elf.section(MANIFEST_SECTION).isPresent()) {
      throw new PatchException(elf.name(), "already patched by a64patch; restore it first");
    }
    if (elf.segments().stream().noneMatch(s -> s.isLoad())) {
      throw new PatchException(elf.name(), "has no PT_LOAD segment");
    }
    if (elf.header().shnum() + 4 >= SHN_LORESERVE) {
      throw new PatchException(
          elf.name(),
          "has "
              + elf.header().shnum()
              + " sections; files needing extended section numbering are not supported");
    }
  }

  /** The decision for sites that need no trampoline, or null when the site wants one. */
  private static SitePlan decide(Finding f, Set<SysReg> chosen, PatchOptions options) {
    if (!chosen.contains(f.register())) {
      return SitePlan.skipped(
          f,
          f.register() == SysReg.PMCCNTR_EL0
              ? "PMCCNTR_EL0 is only reported"
              : f.register()
                  + " not selected (see --registers"
                  + (f.register().kind() == SysReg.Kind.RANDOM ? ", --rndr)" : ")"));
    }
    if (!f.patchable()) {
      return SitePlan.skipped(f, "data in code ($d mapping symbol): never rewritten");
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
    if (Trampolines.kindFor(f.register(), options) == null) {
      return options.strategy() == Strategy.ZERO
          ? SitePlan.inPlace(f, A64.movz(f.rt(), 0, 0), "")
          : SitePlan.inPlace(f, A64.NOP, "");
    }
    return null;
  }

  private static List<SitePlan> outOfRange(ElfFile elf, List<Finding> sites, PatchOptions options) {
    if (sites.isEmpty()) {
      return List.of();
    }
    String why = "trampoline out of reach of B (±128 MiB)";
    return switch (options.outOfRange()) {
      case FAIL ->
          throw new PatchException(
              elf.name(),
              String.format(
                  "%d read(s) are more than 128 MiB from the new segment (first at 0x%x)",
                  sites.size(), sites.get(0).address()),
              Remedy.of("choose", Setting.OUT_OF_RANGE, "skip", "zero", "nop"));
      case SKIP -> sites.stream().map(f -> SitePlan.skipped(f, why)).toList();
      case ZERO ->
          sites.stream()
              .map(f -> SitePlan.inPlace(f, A64.movz(f.rt(), 0, 0), why + ": movz"))
              .toList();
      case NOP -> sites.stream().map(f -> SitePlan.inPlace(f, A64.NOP, why + ": nop")).toList();
    };
  }

  static boolean needsData(Trampolines.Kind kind) {
    return kind == Trampolines.Kind.COUNTER || kind == Trampolines.Kind.RNDR_SEQUENCE;
  }
}
