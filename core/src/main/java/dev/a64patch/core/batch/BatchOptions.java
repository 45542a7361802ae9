package dev.a64patch.core.batch;

import dev.a64patch.core.scan.ScanOptions;

/**
 * How a batch scan runs.
 *
 * @param scan what to look for in each AArch64 file
 * @param jobs worker threads (files are scanned in parallel, results sorted afterwards)
 * @param archiveDepth how deep to look into archives inside archives (1 = only entries of the
 *     archives met)
 * @param maxEntryBytes largest archive entry read into memory; larger ELF entries are refused with
 *     a problem, so a zip bomb cannot exhaust the heap
 */
public record BatchOptions(ScanOptions scan, int jobs, int archiveDepth, long maxEntryBytes) {
  /** Typical JNI libraries are a few MiB; the largest real ones are well below this. */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 256L << 20;

  public static final int DEFAULT_ARCHIVE_DEPTH = 3;

  public BatchOptions {
    if (jobs < 1) {
      throw new IllegalArgumentException("jobs must be >= 1, was " + jobs);
    }
    if (archiveDepth < 0) {
      throw new IllegalArgumentException("archive depth must be >= 0, was " + archiveDepth);
    }
    if (maxEntryBytes < 1 || maxEntryBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxEntryBytes must be in 1.." + (Integer.MAX_VALUE - 16));
    }
  }

  public static BatchOptions of(ScanOptions scan) {
    return new BatchOptions(
        scan,
        Runtime.getRuntime().availableProcessors(),
        DEFAULT_ARCHIVE_DEPTH,
        DEFAULT_MAX_ENTRY_BYTES);
  }

  public BatchOptions withJobs(int n) {
    return new BatchOptions(scan, n, archiveDepth, maxEntryBytes);
  }

  public BatchOptions withMaxEntryBytes(long n) {
    return new BatchOptions(scan, jobs, archiveDepth, n);
  }

  public BatchOptions withArchiveDepth(int n) {
    return new BatchOptions(scan, jobs, n, maxEntryBytes);
  }
}
