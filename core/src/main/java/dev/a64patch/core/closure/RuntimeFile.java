package dev.a64patch.core.closure;

import java.util.Arrays;

/**
 * A file a64patch itself provides to the prepared program, such as a small runtime library that the
 * patched objects share (one clock per process). {@code prepare} writes it into the output
 * directory as {@code name} (only when its content changed) and puts it first in LD_PRELOAD.
 */
public record RuntimeFile(String name, byte[] content) {
  public RuntimeFile {
    if (name.isEmpty() || name.contains("/") || name.startsWith(".") || name.equals("env")) {
      throw new IllegalArgumentException("not a plain file name for the output directory: " + name);
    }
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RuntimeFile r && r.name.equals(name) && Arrays.equals(r.content, content);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return name + " (" + content.length + " bytes)";
  }
}
