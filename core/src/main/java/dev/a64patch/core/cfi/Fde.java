package dev.a64patch.core.cfi;

/**
 * A Frame Description Entry: the call-frame program for [pcBegin, pcBegin + pcRange).
 *
 * @param vaddr address of the entry's length field (what .eh_frame_hdr points at)
 */
public record Fde(long vaddr, Cie cie, long pcBegin, long pcRange, byte[] instructions) {
  public boolean contains(long pc) {
    return Long.compareUnsigned(pc - pcBegin, pcRange) < 0;
  }

  public long pcEnd() {
    return pcBegin + pcRange;
  }
}
