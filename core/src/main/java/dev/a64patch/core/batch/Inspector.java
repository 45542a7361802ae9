package dev.a64patch.core.batch;

import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.scan.AArch64Check;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.UnsupportedElfException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Decides what one file is from its first bytes and deals with it: an AArch64 ELF file is scanned,
 * an ELF file of another machine is skipped with the reason, a jar/zip/aar/apk is searched for ELF
 * entries, anything else is counted as not ELF. A file the user named is held to the rules of a
 * single-file scan: whatever is not a scannable AArch64 ELF file is an error.
 */
final class Inspector {
  /**
   * Opens files for reading; the tests replace it to simulate read errors that root cannot provoke.
   */
  interface Opener {
    FileChannel open(Path path) throws IOException;
  }

  private final Scanner scanner;
  private final Opener opener;
  private final Mapped.Reader reader;
  private final ArchiveScanner archives;
  private final ArScanner staticLibraries;

  Inspector(Scanner scanner, Opener opener, Mapped.Reader reader, BatchOptions options) {
    this.scanner = scanner;
    this.opener = opener;
    this.reader = reader;
    this.archives = new ArchiveScanner(this, options);
    this.staticLibraries = new ArScanner(this);
  }

  Tally inspect(TreeWalker.Target t) {
    Tally out = new Tally();
    byte[] head = new byte[Magic.HEAD];
    int n;
    try (FileChannel ch = opener.open(t.path())) {
      n = readHead(ch, head);
    } catch (IOException e) {
      out.problems.add(Failures.problem(t.name(), e));
      return out;
    }
    if (ArArchive.isAr(head, n) && archives.enabled()) {
      staticLibraries.scanFile(t.path(), t.name(), out);
      return out;
    }
    if (ArArchive.isThin(head, n) && archives.enabled()) {
      out.problems.add(
          new FileProblem(
              t.name(),
              FailureKind.SKIPPED,
              t.name() + ": thin static library: its members are separate files, scan those"));
      return out;
    }
    if (Magic.isZip(head, n) && Magic.hasArchiveName(t.name()) && archives.enabled()) {
      archives.scanFile(t.path(), t.name(), out);
      return out;
    }
    boolean elf = Magic.isElf(head, n);
    if (!elf && !t.named()) {
      out.nonElf++;
      return out;
    }
    if (elf) {
      out.elf++;
    }
    try {
      // Named non-ELF files go through the reader too, which words the error as for a single file.
      // A file truncated while mapped is one line about the file (exit 4), see Mapped; the scan
      // goes into a tally of its own, merged only once Mapped.use has seen the file still whole.
      out.merge(
          Mapped.use(
              t.path(),
              t.name(),
              reader,
              image -> {
                Tally one = new Tally();
                scan(image, t.named(), one);
                return one;
              }));
    } catch (ElfException | IOException e) {
      out.problems.add(Failures.problem(t.name(), e));
    }
    return out;
  }

  /** An ELF image held in memory (an archive entry): never named by the user. */
  void inspect(ByteBuffer image, String name, Tally out) {
    try {
      scan(ElfFile.read(image, name), false, out);
    } catch (ElfException e) {
      out.problems.add(Failures.problem(name, e));
    }
  }

  private void scan(ElfFile elf, boolean named, Tally out) {
    try {
      AArch64Check.require(elf);
    } catch (UnsupportedElfException e) {
      out.problems.add(
          new FileProblem(
              elf.name(), named ? FailureKind.BAD_INPUT : FailureKind.SKIPPED, e.getMessage()));
      return;
    }
    out.results.add(scanner.scan(elf));
  }

  private static int readHead(FileChannel ch, byte[] head) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(head);
    while (b.hasRemaining()) {
      if (ch.read(b, b.position()) < 0) {
        break;
      }
    }
    return b.position();
  }
}
