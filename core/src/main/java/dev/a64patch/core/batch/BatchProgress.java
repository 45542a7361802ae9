package dev.a64patch.core.batch;

/**
 * Hears how far a batch scan is. {@link #scanned} is called from worker threads, so implementations
 * must be thread-safe; all methods must be cheap (they run on the scan path).
 */
public interface BatchProgress {
  BatchProgress NONE = new BatchProgress() {};

  /** While walking: {@code files} regular files found so far. */
  default void walking(long files) {}

  /** Walking is done; {@code total} files will be scanned. */
  default void started(int total) {}

  /** One more file (with all its archive entries) is done. */
  default void scanned(String path, int done, int total) {}

  /** Everything is done; called once, from the thread that called {@code scan}. */
  default void finished() {}
}
