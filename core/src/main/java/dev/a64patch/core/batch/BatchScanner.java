package dev.a64patch.core.batch;

import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.ScanTotals;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.elf.ElfFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Scans files, directory trees and archives: {@code paths -> ScanReport}. The tree is walked first
 * (attributes only), then each distinct file is inspected on a fixed pool of {@link
 * BatchOptions#jobs()} threads, largest files first so that one big library does not finish last on
 * its own. Results are merged in path order, so the report never depends on scheduling. Memory
 * stays bounded: ELF files are memory-mapped, and only archive entries are read into the heap, one
 * per thread at a time.
 *
 * <pre>{@code
 * ScanReport r = new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(Path.of("/usr/lib")));
 * }</pre>
 */
public final class BatchScanner {
  private final BatchOptions options;
  private final Inspector.Opener opener;
  private final Mapped.Reader reader;

  public BatchScanner(BatchOptions options) {
    this(options, p -> FileChannel.open(p, StandardOpenOption.READ));
  }

  BatchScanner(BatchOptions options, Inspector.Opener opener) {
    this(options, opener, ElfFile::read);
  }

  BatchScanner(BatchOptions options, Inspector.Opener opener, Mapped.Reader reader) {
    this.options = options;
    this.opener = opener;
    this.reader = reader;
  }

  public ScanReport scan(List<Path> paths) {
    return scan(paths, BatchProgress.NONE);
  }

  public ScanReport scan(List<Path> paths, BatchProgress progress) {
    return scan(paths, p -> true, progress);
  }

  /**
   * Like {@link #scan(List, BatchProgress)}, but of the files met while walking directories only
   * those that {@code select} accepts are opened (named files always are): include/exclude patterns
   * of a build tool. Files left out count nowhere in the report.
   */
  public ScanReport scan(List<Path> paths, Predicate<Path> select, BatchProgress progress) {
    TreeWalker.Walk walk = TreeWalker.walk(paths, progress);
    List<TreeWalker.Target> targets =
        walk.targets().stream().filter(t -> t.named() || select.test(t.path())).toList();
    long unselected = walk.targets().size() - targets.size();
    progress.started(targets.size());
    Inspector inspector = new Inspector(new Scanner(options.scan()), opener, reader, options);
    Tally all = new Tally();
    if (!targets.isEmpty()) {
      all = runAll(targets, inspector, progress);
    }
    progress.finished();
    List<FileProblem> problems = new ArrayList<>(walk.problems());
    problems.addAll(all.problems);
    ScanTotals totals =
        walk.totals()
            .plus(
                new ScanTotals(-unselected, 0, all.archives, all.archiveEntries, all.elf, 0, 0, 0));
    return new ScanReport(all.results, problems, all.nonElf, totals, all.entries);
  }

  private Tally runAll(
      List<TreeWalker.Target> targets, Inspector inspector, BatchProgress progress) {
    int total = targets.size();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(options.jobs(), total), daemonThreads());
    try {
      List<Future<Tally>> futures = new ArrayList<>(total);
      for (int i = 0; i < total; i++) {
        futures.add(null);
      }
      List<Integer> bySize = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        bySize.add(i);
      }
      bySize.sort(Comparator.comparingLong((Integer i) -> targets.get(i).size()).reversed());
      for (int i : bySize) {
        TreeWalker.Target t = targets.get(i);
        futures.set(
            i,
            pool.submit(
                () -> {
                  Tally r = inspector.inspect(t);
                  progress.scanned(t.name(), done.incrementAndGet(), total);
                  return r;
                }));
      }
      Tally all = new Tally();
      for (int i = 0; i < total; i++) {
        all.merge(await(futures.get(i), targets.get(i)));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Tally await(Future<Tally> f, TreeWalker.Target t) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while scanning " + t.name(), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      // A bug, not a property of the file: fail loudly, naming the file that triggered it.
      throw new IllegalStateException(t.name() + ": " + cause, cause);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "a64patch-scan-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
