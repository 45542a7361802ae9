package dev.a64patch.core.patch;

import dev.a64patch.core.Names;

/**
 * Where the new program header table and segments go (docs/design.md section 6), named as LIEF
 * names its program header relocation strategies. The plan records the one chosen; {@code patch
 * --dry-run} and {@code --verbose} print it, and the JSON report carries its {@link #id()}.
 */
public enum LayoutStrategy {
  /** Nothing is appended (every site in place, or none to patch). */
  NONE("nothing appended"),
  /**
   * Shared libraries: the table and segments follow the end of the file, at the first suitable
   * address above everything mapped; no padding.
   */
  BINARY_END("after the end of the file; a library keeps no tie to its first PT_LOAD"),
  /**
   * Executables: the table goes above the end of .bss at the file offset that keeps the first
   * PT_LOAD's p_vaddr - p_offset (the AT_PHDR rule); the file is padded up to it with a hole.
   */
  BSS_END(
      "above the end of .bss, at the file offset that keeps p_vaddr - p_offset of the first"
          + " PT_LOAD (AT_PHDR)");

  private final String description;

  LayoutStrategy(String description) {
    this.description = description;
  }

  /** What it means, in words. */
  public String description() {
    return description;
  }

  /** The external name ({@link Names}): {@code bss-end}. */
  public String id() {
    return Names.id(this);
  }
}
