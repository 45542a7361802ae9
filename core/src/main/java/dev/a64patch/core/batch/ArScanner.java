package dev.a64patch.core.batch;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.report.ArchiveEntry;
import dev.a64patch.core.report.FileProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Scans the members of a static library ({@code ar} archive, {@code .a}): each ELF member (a
 * relocatable object) is scanned in place from the mapped archive and reported as {@code
 * lib.a!/member.o}, so a build can check a static library before linking it.
 */
final class ArScanner {
  private final Inspector inspector;

  ArScanner(Inspector inspector) {
    this.inspector = inspector;
  }

  void scanFile(Path path, String name, Tally out) {
    ByteBuffer map;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      if (ch.size() > Integer.MAX_VALUE) {
        out.problems.add(
            new FileProblem(
                name,
                FailureKind.BAD_INPUT,
                name + ": static library of " + ch.size() + " bytes is too large to map"));
        return;
      }
      map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
    } catch (IOException e) {
      out.problems.add(Failures.problem(name, "cannot read as a static library", e));
      return;
    }
    try {
      // Members are scanned in place from the mapping, into a tally merged only once the archive
      // is seen whole (see Mapped).
      long mapped = map.capacity();
      out.merge(
          Mapped.guard(
              name,
              () -> {
                Tally one = new Tally();
                members(map, name, one);
                Mapped.requireWhole(path, name, mapped);
                return one;
              }));
    } catch (IOException e) {
      out.problems.add(Failures.problem(name, e));
    }
  }

  private void members(ByteBuffer map, String name, Tally out) {
    try {
      for (ArArchive.Member m : ArArchive.members(map)) {
        member(map, m, name, out);
      }
      out.archives++;
    } catch (ArArchive.Malformed e) {
      out.problems.add(new FileProblem(name, FailureKind.BAD_INPUT, name + ": " + e.getMessage()));
    }
  }

  private void member(ByteBuffer map, ArArchive.Member m, String archive, Tally out) {
    out.archiveEntries++;
    ByteBuffer image = map.slice((int) m.offset(), (int) m.size());
    byte[] head = new byte[Magic.HEAD];
    int n = Math.min(head.length, image.limit());
    image.get(0, head, 0, n);
    if (!Magic.isElf(head, n)) {
      out.nonElf++;
      return;
    }
    ArchiveEntry where = new ArchiveEntry(archive, m.name());
    out.elf++;
    out.entries.put(where.path(), where);
    inspector.inspect(image, where.path(), out);
  }
}
