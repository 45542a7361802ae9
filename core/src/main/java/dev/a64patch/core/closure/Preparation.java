package dev.a64patch.core.closure;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code prepare} did: one row per object of the closure (and per missing library), the
 * environment to run with, and the program to run.
 *
 * @param output the output directory
 * @param env the variables to set, in order (also written to {@code output/env})
 * @param program the file to execute: the patched copy when the executable itself reads the
 *     counter, else the original
 * @param runtime files a64patch provides in the output directory, preloaded first (the shared-clock
 *     library when copies count with the {@code counter} strategy)
 * @param rows the closure in load order, then missing libraries
 * @param commands commands that make the left-over objects deterministic (patch in place)
 * @param written entries written or removed in the output directory by this run (0: all cached)
 */
public record Preparation(
    Path output,
    Map<String, String> env,
    Path program,
    List<Path> runtime,
    List<Row> rows,
    List<String> commands,
    int written,
    int scanned) {

  public Preparation {
    env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    runtime = List.copyOf(runtime);
    rows = List.copyOf(rows);
    commands = List.copyOf(commands);
  }

  /** What happened to one object. */
  public enum Action {
    /** Has reads: a patched copy was written to the output directory. */
    PATCHED("patched"),
    /** Has reads: its patched copy in the output directory was already up to date. */
    CACHED("patched (cached)"),
    /** No read to rewrite: used as it is. */
    NONE("no reads"),
    /** No reads, but linked into the output directory so that $ORIGIN paths keep resolving. */
    LINKED("linked"),
    /** Has reads but the patched copy cannot be put in its place by environment: see detail. */
    LEFT("LEFT"),
    /** Cannot be found or loaded: see detail. */
    MISSING("MISSING");

    private final String label;

    Action(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * One object.
   *
   * @param path where the loader finds the original
   * @param name the name it was asked for
   * @param via how it was found
   * @param reads reads of the registers the options rewrite (-1: not scanned)
   * @param rewrites sites the patch changes
   * @param copy the entry in the output directory, or null
   * @param preloaded whether the copy is in LD_PRELOAD (a DT_RPATH would find the original first)
   * @param detail why it was left or is missing, or a remark; may be empty
   * @param tried for a missing library, every path tried
   */
  public record Row(
      String path,
      String name,
      Via via,
      long reads,
      long rewrites,
      Action action,
      Path copy,
      boolean preloaded,
      String detail,
      List<String> tried) {
    public Row {
      tried = List.copyOf(tried);
    }
  }

  public boolean hasMissing() {
    return rows.stream().anyMatch(r -> r.action() == Action.MISSING);
  }

  public boolean hasLeft() {
    return rows.stream().anyMatch(r -> r.action() == Action.LEFT);
  }

  /** The {@code KEY=VALUE} lines of {@code output/env}. */
  public String envFile() {
    StringBuilder b = new StringBuilder();
    env.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    return b.toString();
  }
}
