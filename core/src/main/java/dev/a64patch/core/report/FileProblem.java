package dev.a64patch.core.report;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.elf.ElfNames;

/**
 * A file that was not scanned or patched, and why.
 *
 * @param kind what went wrong, which decides the exit code ({@link FailureKind#SKIPPED}: nothing)
 * @param message one line naming the file and the reason
 */
public record FileProblem(String path, FailureKind kind, String message) {
  public FileProblem {
    // Paths inside archives and names read from files may hold newlines; a message stays one line.
    message = ElfNames.printable(message);
  }
}
