package dev.a64patch.core.scan;

import java.util.List;

/**
 * What the whole file says about one candidate word, each item naming its source (for example
 * {@code "bl-target from 0x1234"} or {@code "ldr-literal from 0x1240"}). Code evidence with no data
 * evidence makes a read {@link Confidence#HIGH}; any data evidence means the word is never
 * rewritten; with neither the read stays uncertain. See docs/scanning.md.
 */
public record Evidence(List<String> code, List<String> data) {
  public static final Evidence NONE = new Evidence(List.of(), List.of());

  public Evidence {
    code = List.copyOf(code);
    data = List.copyOf(data);
  }
}
