package dev.a64patch.core.patch;

import java.util.List;

/**
 * The complete decision for one file, before any byte is written: printable (--dry-run), testable,
 * and applied by {@link ImageBuilder} + {@link PatchWriter}.
 *
 * @param phnum number of program headers after patching
 * @param trampolineBase address of the first trampoline (after the program header table)
 */
public record PatchPlan(
    String file,
    PatchOptions options,
    Layout layout,
    List<SitePlan> sites,
    int phnum,
    long trampolineBase) {
  public PatchPlan {
    sites = List.copyOf(sites);
  }

  public long count(SitePlan.Action action) {
    return sites.stream().filter(s -> s.action() == action).count();
  }

  /** True when the plan changes nothing (no site to rewrite): the file is left as it is. */
  public boolean isEmpty() {
    return sites.stream().noneMatch(SitePlan::changesFile);
  }
}
