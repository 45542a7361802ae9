package dev.a64patch.core.demangle;

import java.util.Optional;

/** TEMPORARY placeholder until the real demangler lands — do not commit. */
public final class Demangler {
    private Demangler() {}

    public static Optional<String> demangle(String name) {
        return Optional.empty();
    }
}
