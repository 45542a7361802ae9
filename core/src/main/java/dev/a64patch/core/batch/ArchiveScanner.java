package dev.a64patch.core.batch;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.FileProblem;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
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
      for (ZipEntry e : entries) {
        try (InputStream in = zip.getInputStream(e)) {
          entry(in, e.getSize(), name, e.getName(), 1, out);
        } catch (IOException ex) {
          out.problems.add(
              Failures.problem(
                  name + ArchiveEntry.SEPARATOR + e.getName(), "cannot read archive entry", ex));
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
      out.problems.add(Failures.problem(name, "cannot read as a zip archive", e));
    }
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
      byte[] image = readBounded(in, size, path, out);
      if (image != null) {
        inspector.inspect(ByteBuffer.wrap(image), path, out);
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
    long max = options.maxEntryBytes();
    // The declared size bounds the stream (ZipFile enforces it); unknown sizes read one byte past
    // the limit.
    byte[] bytes =
        declared > max ? null : in.readNBytes((int) (declared >= 0 ? declared : max + 1));
    if (bytes == null || bytes.length > max) {
      String size = declared >= 0 ? declared + " bytes" : "more than " + max + " bytes";
      out.problems.add(
          new FileProblem(
              path,
              FailureKind.BAD_INPUT,
              String.format(
                  "%s: archive entry of %s is larger than the %d-byte limit for entries; extract it to scan it",
                  path, size, max)));
      return null;
    }
    return bytes;
  }
}
