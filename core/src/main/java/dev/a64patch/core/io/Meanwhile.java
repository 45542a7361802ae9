package dev.a64patch.core.io;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Work done on a thread of its own while the caller goes on: a wait on the kernel (an fsync, a
 * file's attributes) or a pass of its own over a file (a digest, a copy, a compare). {@link #join}
 * returns its value or throws what it threw, unchanged, as a call made in place would have. A
 * thread of its own, not the common pool: the scan's slices need the pool's threads, and an fsync
 * must not hold one of them.
 */
public final class Meanwhile<T> {
  /** The work: may throw {@link IOException}. */
  public interface Work<T> {
    T run() throws IOException;
  }

  private final CompletableFuture<T> result = new CompletableFuture<>();

  private Meanwhile() {}

  /** Starts {@code work} on a daemon thread named {@code a64patch-NAME}. */
  public static <T> Meanwhile<T> start(String name, Work<T> work) {
    Meanwhile<T> m = new Meanwhile<>();
    Thread t =
        new Thread(
            () -> {
              try {
                m.result.complete(work.run());
              } catch (Throwable e) {
                m.result.completeExceptionally(e);
              }
            },
            "a64patch-" + name);
    t.setDaemon(true);
    t.start();
    return m;
  }

  /** The work's value once it is done, or what it threw. */
  public T join() throws IOException {
    try {
      return result.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /**
   * Waits for each work that was started (nulls are skipped) without its outcome: on a path that
   * already fails, so that nothing still runs on a file about to be removed.
   */
  public static void awaitAll(Meanwhile<?>... works) {
    for (Meanwhile<?> m : works) {
      if (m != null) {
        try {
          m.result.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
          // The caller's own failure is the one reported.
        }
      }
    }
  }
}
