package dev.a64patch.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every exit code of {@code a64patch}, defined once; {@code --help} lists them from here. */
public enum ExitCode {
    OK(0, "success"),
    FINDINGS(1, "scan --fail-on: findings matched (or verify: problems found)"),
    USAGE(2, "usage error (unknown option, bad value)"),
    BAD_INPUT(3, "bad input file: not ELF, malformed, or not AArch64"),
    UNREADABLE(4, "a file could not be read or written (missing, permissions, not a regular file)"),
    INTERNAL(70, "internal error (a bug: please report it)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** For picocli's exit code section of the usage help. */
    static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        for (ExitCode c : values()) {
            m.put(String.format("%2d", c.code), c.meaning);
        }
        return m;
    }
}
