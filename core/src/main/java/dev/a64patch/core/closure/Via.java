package dev.a64patch.core.closure;

/** How the loader found an object (the steps of ld.so(8)'s search, plus the roots of a closure). */
public enum Via {
  PROGRAM("program"),
  INTERP("PT_INTERP"),
  PRELOAD("LD_PRELOAD"),
  ALSO("--also"),
  PATH("name with a slash"),
  RPATH("DT_RPATH"),
  LD_LIBRARY_PATH("LD_LIBRARY_PATH"),
  RUNPATH("DT_RUNPATH"),
  LD_SO_CACHE("ld.so.cache"),
  LD_SO_CONF("ld.so.conf (no ld.so.cache in the root)"),
  DEFAULT("default directories");

  private final String label;

  Via(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
