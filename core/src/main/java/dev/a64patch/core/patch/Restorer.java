package dev.a64patch.core.patch;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfRecord;
import java.nio.ByteBuffer;

/** Gives back the original file byte for byte from a patched file and its manifest. */
public final class Restorer {
  private Restorer() {}

  /**
   * The image that turns {@code patched} into its original: the first {@code originalLength} bytes
   * with the original ELF header and original words put back.
   *
   * @return edits that carry the original's SHA-256: the writer puts nothing else in place
   * @throws PatchException when the file is not patched, or was changed after patching
   * @throws ManifestException when the manifest is damaged
   */
  public static FileEdits image(ElfFile patched) {
    return image(patched, Manifest.read(patched).orElse(null));
  }

  /** {@link #image(ElfFile)} with {@code patched}'s manifest read already (null: it has none). */
  static FileEdits image(ElfFile patched, Manifest m) {
    if (m == null) {
      throw new PatchException(
          patched.name(), "not patched by a64patch (no " + Planner.MANIFEST_SECTION + " section)");
    }
    if (m.originalLength() > patched.size()) {
      throw new PatchException(
          patched.name(),
          String.format(
              "manifest says the original had %d bytes but the file has only %d",
              m.originalLength(), patched.size()));
    }
    checkUnmoved(patched, m);
    ByteBuffer bytes = patched.bytes();
    FileEdits.Recorder out = new FileEdits.Recorder(m.originalLength());
    out.write(0, m.originalHeaderBytes(), "original ELF header");
    for (Manifest.Site s : m.sites()) {
      if (s.siteAction() == SitePlan.Action.SKIPPED) {
        continue;
      }
      int found = bytes.getInt((int) s.offset());
      if (found != s.patched()) {
        throw new PatchException(
            patched.name(),
            String.format(
                "word at offset 0x%x is 0x%08x, but a64patch wrote 0x%08x there: the file was changed after"
                    + " patching, so it cannot be restored exactly",
                s.offset(), found, s.patched()));
      }
      out.writeWord(s.offset(), s.original(), "site 0x" + Long.toHexString(s.address()));
      for (Manifest.Island i : s.islands()) {
        for (int w = 0; w < i.original().size(); w++) {
          long at = i.offset() + 4L * w;
          int now = bytes.getInt((int) at);
          if (now != i.patched().get(w)) {
            throw new PatchException(
                patched.name(),
                String.format(
                    "word at offset 0x%x (island of site 0x%x) is 0x%08x, but a64patch wrote 0x%08x"
                        + " there: the file was changed after patching, so it cannot be restored"
                        + " exactly",
                    at, s.address(), now, i.patched().get(w)));
          }
          out.writeWord(
              at, i.original().get(w), "island 0x" + Long.toHexString(i.address() + 4L * w));
        }
      }
    }
    ElfRecord.Format dyn = ElfRecord.DYN.in(patched.header());
    java.nio.ByteOrder order =
        patched.header().isLittleEndian()
            ? java.nio.ByteOrder.LITTLE_ENDIAN
            : java.nio.ByteOrder.BIG_ENDIAN;
    for (DynamicEdit e : m.dynamic()) {
      long found = ClockImport.dynamicValue(patched, e.offset());
      if (found != e.patched()) {
        throw new PatchException(
            patched.name(),
            String.format(
                ".dynamic value at offset 0x%x is 0x%x, but a64patch wrote 0x%x there: the file was"
                    + " changed after patching, so it cannot be restored exactly",
                e.offset(), found, e.patched()));
      }
      out.write(e.offset(), dyn.encode("d_val", e.original(), order), ".dynamic entry");
    }
    // The writer refuses a result whose SHA-256 is not the original's.
    return out.edits().withSha256(m.originalSha256());
  }

  /**
   * Tools such as strip rewrite a file and move what a64patch appended; the original can then no
   * longer be rebuilt from the first {@code originalLength} bytes.
   */
  private static void checkUnmoved(ElfFile patched, Manifest m) {
    long manifestAt = Manifest.section(patched).orElseThrow().offset();
    boolean moved =
        manifestAt < m.originalLength()
            || m.section(NewSection.PROGRAM_HEADERS)
                .map(t -> patched.header().phoff() != t.offset())
                .orElse(false);
    if (moved) {
      throw new PatchException(
          patched.name(),
          "was rewritten after patching (by strip or objcopy?): what a64patch"
              + " appended has moved, so the original cannot be rebuilt byte for byte; restore the file before"
              + " stripping it, or rebuild it");
    }
  }
}
