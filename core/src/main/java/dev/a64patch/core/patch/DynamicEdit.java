package dev.a64patch.core.patch;

/**
 * One {@code .dynamic} entry whose value the patch changes in place: {@code d_val} at file offset
 * {@code offset}, from {@code original} to {@code patched}. Recorded in the manifest so that
 * restore puts the original back and verify can check it.
 */
public record DynamicEdit(long offset, long tag, long original, long patched) {}
