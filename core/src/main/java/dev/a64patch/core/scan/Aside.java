package dev.a64patch.core.scan;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Work done on another core while the caller does its own (the serial parts of a large scan), or
 * already done: {@link #join} returns its value or throws what it threw, unchanged, as a call made
 * in place would have.
 */
final class Aside<T> {
  private final CompletableFuture<T> future;

  private Aside(CompletableFuture<T> future) {
    this.future = future;
  }

  /** Starts {@code work} in the common fork-join pool. */
  static <T> Aside<T> start(Supplier<T> work) {
    return new Aside<>(CompletableFuture.supplyAsync(work));
  }

  /** A value computed in place. */
  static <T> Aside<T> done(T value) {
    return new Aside<>(CompletableFuture.completedFuture(value));
  }

  T join() {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
  }
}
