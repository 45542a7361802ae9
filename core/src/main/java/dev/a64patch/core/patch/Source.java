package dev.a64patch.core.patch;

import dev.a64patch.core.io.Mapped;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The bytes a plan was made from and the file they came from, as it was when parsed. Writers copy
 * from {@code bytes} (the very mapping that was parsed), never by opening {@code path} again, and
 * check {@code stamp} before they replace anything: two runs on one file can then never copy each
 * other's output.
 *
 * @param bytes the parsed bytes: a mapping of {@code path}, or an image restored from it
 */
public record Source(Path path, ElfFile elf, ByteBuffer bytes, FileStamp stamp) {

  /** Parses {@code path}, refusing it when it changes while being mapped. */
  public static Source open(Path path) throws IOException {
    FileStamp before = FileStamp.of(path);
    ElfFile elf = Mapped.guard(path, () -> ElfFile.read(path));
    before.requireUnchanged(path);
    return new Source(path, elf, elf.bytes(), before);
  }

  /** The same file, parsed from other bytes (the original restored from a patched file). */
  Source withImage(ElfFile image) {
    return new Source(path, image, image.bytes(), stamp);
  }
}
