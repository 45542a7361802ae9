package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

/**
 * The kinds of PT_LOAD a patch may append, in the order they follow each other in the file and in
 * memory. Never writable and executable at once.
 */
public enum SegmentKind {
  /** R+X: the program header table and the trampolines. */
  CODE(PF_R | PF_X, "R+X"),
  /** R: tables the dynamic linker reads (the grown copies of the dynamic symbol tables). */
  READ_ONLY(PF_R, "R"),
  /** RW: what trampolines update at run time. */
  DATA(PF_R | PF_W, "RW");

  private final int flags;
  private final String label;

  SegmentKind(int flags, String label) {
    this.flags = flags;
    this.label = label;
  }

  /** The permissions as people write them ("R+X"). */
  public String label() {
    return label;
  }

  public int flags() {
    return flags;
  }
}
