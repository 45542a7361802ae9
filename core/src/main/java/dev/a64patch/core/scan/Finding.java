package dev.a64patch.core.scan;

import java.util.List;

/**
 * One MRS read of a register of interest.
 *
 * @param word the instruction word as found (little-endian)
 * @param offset file offset of the word
 * @param address virtual address of the word (section-relative in relocatable objects)
 * @param section name of the enclosing section, or {@code segment N} when the file has none
 * @param symbol enclosing function, or null when none covers the address
 * @param reasons why the finding is uncertain; empty means {@link Confidence#HIGH}
 * @param context disassembly around the site when asked for, else empty
 * @param evidence what the file says about the word: code and data evidence
 */
public record Finding(
    SysReg register,
    int rt,
    int word,
    long offset,
    long address,
    String section,
    SymbolRef symbol,
    List<Uncertainty> reasons,
    List<String> context,
    Evidence evidence) {

  public Finding {
    reasons = List.copyOf(reasons);
    context = List.copyOf(context);
  }

  public Confidence confidence() {
    return reasons.isEmpty() ? Confidence.HIGH : Confidence.UNCERTAIN;
  }

  public String rtName() {
    return SysReg.rtName(rt);
  }

  /** True when no reason forbids rewriting this word (data in code never may be rewritten). */
  public boolean patchable() {
    return reasons.stream().noneMatch(Uncertainty::forbidsPatching);
  }

  public Finding withSymbol(SymbolRef ref) {
    return new Finding(
        register, rt, word, offset, address, section, ref, reasons, context, evidence);
  }

  public Finding withContext(List<String> lines) {
    return new Finding(
        register, rt, word, offset, address, section, symbol, reasons, lines, evidence);
  }
}
