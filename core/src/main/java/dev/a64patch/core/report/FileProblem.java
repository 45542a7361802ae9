package dev.a64patch.core.report;

import dev.a64patch.core.failure.FailureKind;

/**
 * A file that was not scanned or patched, and why.
 *
 * @param kind what went wrong, which decides the exit code ({@link FailureKind#SKIPPED}: nothing)
 * @param message one line naming the file and the reason
 */
public record FileProblem(String path, FailureKind kind, String message) {}
