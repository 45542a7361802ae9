package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.scan.Finding;
import java.util.List;

/**
 * What happens to one finding, decided once by the {@link Planner}; everything after it (writer,
 * manifest, report, verify) reads the decision from here.
 *
 * @param newWord the word written at the site (a B, NOP or MOVZ), or the original word when skipped
 * @param trampoline address of the trampoline, or -1
 * @param kind what the trampoline computes; null unless {@link Action#TRAMPOLINE}
 * @param code the trampoline's instructions (empty unless {@link Action#TRAMPOLINE})
 * @param islands the islands between the site and its trampoline: the hops towards it, in order,
 *     then the hops back (empty: the site and the trampoline reach each other directly)
 * @param reason why the site is skipped or rewritten in place instead of branched, else empty
 */
public record SitePlan(
    Finding finding,
    Action action,
    int newWord,
    long trampoline,
    Trampolines.Kind kind,
    List<Insn> code,
    List<Island> islands,
    String reason) {

  public enum Action {
    TRAMPOLINE,
    IN_PLACE,
    SKIPPED;

    /** The external name, in reports and the manifest ({@link Names}): {@code in-place}. */
    public String id() {
      return Names.id(this);
    }

    /** Also reads {@code in_place}, as manifests written before the one vocabulary spell it. */
    public static Action parse(String s) {
      return Names.parse(Action.class, s);
    }
  }

  public SitePlan {
    code = List.copyOf(code);
    islands = List.copyOf(islands);
  }

  public boolean changesFile() {
    return action != Action.SKIPPED;
  }

  static SitePlan skipped(Finding f, String reason) {
    return new SitePlan(f, Action.SKIPPED, f.word(), -1, null, List.of(), List.of(), reason);
  }

  static SitePlan inPlace(Finding f, int word, String reason) {
    return new SitePlan(f, Action.IN_PLACE, word, -1, null, List.of(), List.of(), reason);
  }

  /** A site that will branch to a trampoline of this kind, not yet placed. */
  static SitePlan wantsTrampoline(Finding f, Trampolines.Kind kind) {
    return new SitePlan(f, Action.TRAMPOLINE, f.word(), -1, kind, List.of(), List.of(), "");
  }

  /** This site's trampoline placed at {@code at}. */
  SitePlan placed(long at, List<Insn> trampolineCode, int branch) {
    return new SitePlan(finding, action, branch, at, kind, trampolineCode, islands, reason);
  }

  /** This site reaching its trampoline through {@code chain}. */
  SitePlan through(List<Island> chain) {
    return new SitePlan(finding, action, newWord, trampoline, kind, code, chain, reason);
  }

  /** This site with its last island towards the trampoline branching to {@code at}. */
  SitePlan towards(long at) {
    List<Island> chain = new java.util.ArrayList<>(islands);
    for (int i = chain.size() - 1; i >= 0; i--) {
      Island last = chain.get(i);
      if (last.towardsTrampoline()) {
        chain.set(i, last.retargeted(at, finding.rt()));
        break;
      }
    }
    return through(chain);
  }

  /** Where the site branches: its first island towards the trampoline at {@code at}, or it. */
  long entry(long at) {
    return islands.stream()
        .filter(Island::towardsTrampoline)
        .findFirst()
        .map(Island::address)
        .orElse(at);
  }

  /** Where the trampoline returns: its first island back, or site + 4. */
  long returnTo() {
    return islands.stream()
        .filter(i -> !i.towardsTrampoline())
        .findFirst()
        .map(Island::address)
        .orElse(finding.address() + 4);
  }

  /** True when the trampoline is entered through a long island ({@link Trampolines#encodeFar}). */
  public boolean far() {
    return islands.stream().anyMatch(i -> i.role().jumps());
  }
}
