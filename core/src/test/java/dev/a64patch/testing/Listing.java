package dev.a64patch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a run left in a directory: the tests that promise no stray temporary file compare it. */
public final class Listing {
  private Listing() {}

  /** The names of the entries of {@code dir}. */
  public static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
