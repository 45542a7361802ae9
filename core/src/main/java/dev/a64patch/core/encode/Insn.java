package dev.a64patch.core.encode;

/** One encoded instruction and its text as Capstone prints it (used by verify and --dry-run). */
public record Insn(int word, String text) {
  @Override
  public String toString() {
    return String.format("%08x  %s", word, text);
  }
}
