package dev.a64patch.core.batch;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.FileProblem;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Searches zip archives (jar, zip, aar, apk) for ELF entries without extracting anything to disk.
 * Of each entry only the first four bytes are read, unless they are the ELF magic; then the entry
 * is inflated into one heap buffer, bounded by {@link BatchOptions#maxEntryBytes()}. Archives
 * inside archives are streamed ({@link ZipInputStream}) up to a depth limit. A broken archive or
 * entry becomes a problem naming it; the rest of the archive is still searched where the zip
 * structure allows.
 */
final class ArchiveScanner {
  /**
   * Entries read into memory at once, in MiB, across all worker threads: a third of the heap. Each
   * entry takes its size from this budget while it is read and scanned, so several large entries
   * wait for each other instead of exhausting the heap together.
   */
  private static final Semaphore MEMORY = new Semaphore(budgetMiB(), true);

  private static int budgetMiB() {
    return (int)
        Math.max(16, Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 3 >> 20));
  }

  private final Inspector inspector;
  private final BatchOptions options;

  ArchiveScanner(Inspector inspector, BatchOptions options) {
    this.inspector = inspector;
    this.options = options;
  }

  boolean enabled() {
    return options.archiveDepth() > 0;
  }

  void scanFile(Path path, String name, Tally out) {
    try (ZipFile zip = open(path)) {
      out.archives++;
      List<? extends ZipEntry> entries =
          zip.stream()
              .filter(e -> !e.isDirectory())
              .sorted(Comparator.comparing(ZipEntry::getName))
              .toList();
      Map<String, Long> counts =
          entries.stream().collect(Collectors.groupingBy(ZipEntry::getName, Collectors.counting()));
      String previous = null;
      for (ZipEntry e : entries) {
        if (e.getName().equals(previous)) {
          continue; // ZipFile finds an entry by name: the same bytes again, reported once below
        }
        previous = e.getName();
        long n = counts.get(e.getName());
        if (n > 1) {
          out.problems.add(
              new FileProblem(
                  name + ArchiveEntry.SEPARATOR + e.getName(),
                  FailureKind.BAD_INPUT,
                  String.format(
                      "%s%s%s: the archive holds %d entries with this name; which one a program"
                          + " loads depends on the tool that reads it, and only one is scanned",
                      name, ArchiveEntry.SEPARATOR, e.getName(), n)));
        }
        try (InputStream in = zip.getInputStream(e)) {
          entry(in, e.getSize(), name, e.getName(), 1, out);
        } catch (IOException ex) {
          out.problems.add(
              Failures.problem(
                  name + ArchiveEntry.SEPARATOR + e.getName(),
                  "cannot read archive entry",
                  worded(ex)));
        } catch (IllegalArgumentException ex) {
          // ZipInputStream (nested archives) reports undecodable entry names this way.
          out.problems.add(
              Failures.problem(
                  name + ArchiveEntry.SEPARATOR + e.getName(),
                  "cannot read archive entry",
                  new ZipException("malformed entry name (" + ex.getMessage() + ")")));
        }
      }
    } catch (IOException e) {
      out.problems.add(Failures.problem(name, "cannot read as a zip archive", worded(e)));
    }
  }

  /**
   * Zip streams throw a bare {@link EOFException} (no message) when an archive ends early; the
   * message would then be the class name. Same kind (bad input), words a user understands.
   */
  private static IOException worded(IOException e) {
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      return e;
    }
    return e instanceof EOFException
        ? new ZipException("the archive ends in the middle of an entry (truncated?)")
        : new ZipException("unreadable zip data");
  }

  /**
   * Entry names are UTF-8 by the zip specification, but older tools wrote their platform charset
   * without saying so, and ZipFile then refuses the whole archive. ISO-8859-1 decodes any bytes
   * (names flagged as UTF-8 are still read as UTF-8), so such archives are searched too.
   */
  private static ZipFile open(Path path) throws IOException {
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException e) {
      if (e.getMessage() == null || !e.getMessage().contains("bad entry name")) {
        throw e;
      }
      return new ZipFile(path.toFile(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * One entry of an archive at nesting {@code depth} (1 = an archive found on disk). Does not close
   * {@code raw}.
   */
  private void entry(
      InputStream raw, long size, String archive, String entryName, int depth, Tally out)
      throws IOException {
    ArchiveEntry where = new ArchiveEntry(archive, entryName);
    String path = where.path();
    out.archiveEntries++;
    BufferedInputStream in = new BufferedInputStream(raw);
    in.mark(Magic.HEAD);
    byte[] head = in.readNBytes(Magic.HEAD);
    in.reset();
    if (Magic.isElf(head, head.length)) {
      out.elf++;
      out.entries.put(path, where);
      // The entry's size is taken from the memory budget until it has been scanned.
      long max = maxInMemory();
      int permits =
          (int) Math.max(1, (Math.min(size < 0 ? max : size, max) + (1L << 20) - 1) >> 20);
      MEMORY.acquireUninterruptibly(permits);
      try {
        byte[] image = readBounded(in, size, path, out);
        if (image != null) {
          inspector.inspect(ByteBuffer.wrap(image), path, out);
        }
      } finally {
        MEMORY.release(permits);
      }
    } else if (Magic.isZip(head, head.length) && Magic.hasArchiveName(entryName)) {
      out.entries.put(path, where);
      if (depth >= options.archiveDepth()) {
        out.problems.add(
            new FileProblem(
                path,
                FailureKind.SKIPPED,
                path
                    + ": archive nested more than "
                    + options.archiveDepth()
                    + " deep, not searched"));
        return;
      }
      ZipInputStream zin = new ZipInputStream(in);
      ZipEntry first = zin.getNextEntry(); // counted as searched once its structure reads
      out.archives++;
      for (ZipEntry e = first; e != null; e = zin.getNextEntry()) {
        if (!e.isDirectory()) {
          entry(zin, e.getSize(), path, e.getName(), depth + 1, out);
        }
      }
    } else {
      out.nonElf++;
    }
  }

  /** The whole entry, or null (and a problem) when it is larger than the limit. */
  private byte[] readBounded(InputStream in, long declared, String path, Tally out)
      throws IOException {
    long max = maxInMemory();
    // The declared size bounds the stream (ZipFile enforces it); unknown sizes read one byte past
    // the limit.
    if (declared > max) {
      out.problems.add(tooLarge(path, declared + " bytes", max));
      return null;
    }
    int want = (int) (declared >= 0 ? declared : max + 1);
    byte[] bytes;
    try {
      bytes = in.readNBytes(want);
    } catch (OutOfMemoryError e) {
      out.problems.add(tooLarge(path, want + " bytes", max));
      return null;
    }
    if (bytes.length > max) {
      out.problems.add(tooLarge(path, "more than " + max + " bytes", max));
      return null;
    }
    return bytes;
  }

  /** The limit for one entry: the configured one, or the whole memory budget if smaller. */
  private long maxInMemory() {
    return Math.min(options.maxEntryBytes(), (long) budgetMiB() << 20);
  }

  private static FileProblem tooLarge(String path, String size, long max) {
    return new FileProblem(
        path,
        FailureKind.BAD_INPUT,
        String.format(
            "%s: archive entry of %s is larger than the %d-byte limit for entries read into"
                + " memory; extract it to scan it",
            path, size, max));
  }
}
