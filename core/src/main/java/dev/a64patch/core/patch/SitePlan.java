package dev.a64patch.core.patch;

import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.scan.Finding;
import java.util.List;

/**
 * What happens to one finding.
 *
 * @param newWord the word written at the site (a B, NOP or MOVZ), or the original word when skipped
 * @param trampoline address of the trampoline, or -1
 * @param code the trampoline's instructions (empty unless {@link Action#TRAMPOLINE})
 * @param reason why the site is skipped or rewritten in place instead of branched, else empty
 */
public record SitePlan(
    Finding finding,
    Action action,
    int newWord,
    long trampoline,
    Trampolines.Kind kind,
    List<Insn> code,
    String reason) {

  public enum Action {
    TRAMPOLINE,
    IN_PLACE,
    SKIPPED
  }

  public SitePlan {
    code = List.copyOf(code);
  }

  public boolean changesFile() {
    return action != Action.SKIPPED;
  }

  static SitePlan skipped(Finding f, String reason) {
    return new SitePlan(f, Action.SKIPPED, f.word(), -1, null, List.of(), reason);
  }

  static SitePlan inPlace(Finding f, int word, String reason) {
    return new SitePlan(f, Action.IN_PLACE, word, -1, null, List.of(), reason);
  }
}
