package dev.a64patch.core.patch;

import java.util.List;

/**
 * The complete decision for one file, before any byte is written: printable (--dry-run), testable,
 * and applied by {@link ImageBuilder} + {@link PatchWriter}. Each site's action is decided here
 * once; the new segments and sections are the {@link Layout}'s list.
 *
 * @param dynamic the .dynamic entries rewritten in place to import the shared clock
 * @param notes remarks about the whole file (why it keeps its own counter)
 * @param unwind the unwind information for the trampolines, in their order; null when there are
 *     none, or when the file's own unwind tables cannot be read or reached (then the trampolines
 *     have no CFI and the file keeps its PT_GNU_EH_FRAME)
 * @param grown the code segments the patched program headers extend over islands in their tail
 */
public record PatchPlan(
    String file,
    PatchOptions options,
    Layout layout,
    List<SitePlan> sites,
    List<DynamicEdit> dynamic,
    List<String> notes,
    dev.a64patch.core.cfi.UnwindTables unwind,
    List<SegmentGrowth> grown) {
  public PatchPlan {
    sites = List.copyOf(sites);
    grown = List.copyOf(grown);
    dynamic = List.copyOf(dynamic);
    notes = List.copyOf(notes);
  }

  public long count(SitePlan.Action action) {
    return sites.stream().filter(s -> s.action() == action).count();
  }

  /** How many sites reach their trampoline through islands (docs/design.md, section 10). */
  public long throughIslands() {
    return sites.stream().filter(s -> !s.islands().isEmpty()).count();
  }

  /** True when the plan changes nothing (no site to rewrite): the file is left as it is. */
  public boolean isEmpty() {
    return sites.stream().noneMatch(SitePlan::changesFile);
  }
}
