package dev.a64patch.core.closure;

import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.patch.ClockLibrary;
import dev.a64patch.core.patch.PatchOptions;
import dev.a64patch.core.patch.PatchPlan;
import dev.a64patch.core.patch.Planner;
import dev.a64patch.core.patch.Sha256;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The loader view and scan counts of files, served from the index while a file's {@link FileKey} is
 * unchanged, so a second prepare neither parses nor scans anything it saw before.
 */
final class Facts implements Resolver.Inspector {
  /**
   * Scan counts of one file: reads of the registers the options rewrite, sites the plan changes,
   * and whether it imports the shared clock already (patched in place with the counter strategy).
   */
  record Counts(long reads, long rewrites, String sha256, String error, boolean importsClock) {}

  private final PrepareIndex index;
  private final PatchOptions options;
  private final String fingerprint;
  private final java.util.Set<String> seen = new java.util.HashSet<>();
  private int parsed;
  private int scanned;

  Facts(PrepareIndex index, PatchOptions options) {
    this.index = index;
    this.options = options;
    this.fingerprint = fingerprint(options);
  }

  String fingerprint() {
    return fingerprint;
  }

  int parsed() {
    return parsed;
  }

  int scanned() {
    return scanned;
  }

  /** Files asked about in this run (the index keeps only these). */
  java.util.Set<String> seen() {
    return seen;
  }

  @Override
  public DynamicInfo inspect(Path file) throws IOException {
    return current(file).info();
  }

  private PrepareIndex.Facts current(Path file) throws IOException {
    FileKey key = FileKey.of(file);
    String k = file.toString();
    seen.add(k);
    PrepareIndex.Facts f = index.facts.get(k);
    if (f != null && f.key().equals(key)) {
      return f;
    }
    parsed++;
    DynamicInfo info;
    if (!isElf(file)) {
      info = DynamicInfo.mismatched("not an ELF file");
    } else {
      info = Mapped.use(file, DynamicInfo::of);
    }
    f = new PrepareIndex.Facts(key, null, null, -1, -1, null, null, info);
    index.facts.put(k, f);
    return f;
  }

  Counts counts(Path file) throws IOException {
    PrepareIndex.Facts f = current(file);
    if (f.reads() >= 0 && fingerprint.equals(f.optionsFingerprint()) && f.importsClock() != null) {
      return new Counts(f.reads(), f.rewrites(), f.sha256(), f.error(), f.importsClock());
    }
    scanned++;
    String sha = f.sha256() != null ? f.sha256() : sha256(file);
    long reads = 0;
    long rewrites = 0;
    String error = null;
    boolean clock = false;
    try {
      // Scanned from a mapping: a truncation meanwhile is one line about the file (exit 4).
      Scanned scanned = Mapped.use(file, this::scan);
      reads = scanned.reads();
      rewrites = scanned.rewrites();
      clock = scanned.importsClock();
    } catch (ElfException | dev.a64patch.core.patch.PatchException e) {
      error = dev.a64patch.core.failure.Failures.describe(e);
    }
    index.facts.put(file.toString(), f.withScan(sha, fingerprint, reads, rewrites, error, clock));
    return new Counts(reads, rewrites, sha, error, clock);
  }

  /** What one scan of a file gives. */
  private record Scanned(long reads, long rewrites, boolean importsClock) {}

  private Scanned scan(ElfFile elf) {
    ScanResult scan = Scanner.scan(elf, new ScanOptions(SysReg.all(), 0));
    Set<SysReg> regs = options.effectiveRegisters();
    long reads = scan.findings().stream().filter(x -> regs.contains(x.register())).count();
    long rewrites = 0;
    if (reads > 0) {
      PatchPlan plan = Planner.plan(elf, scan, options);
      rewrites = plan.sites().stream().filter(s -> s.changesFile()).count();
    }
    return new Scanned(reads, rewrites, ClockLibrary.isImportedBy(elf));
  }

  static boolean isElf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] m = in.readNBytes(4);
      return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        Sha256.Running d = Sha256.running()) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(ByteBuffer.wrap(buf, 0, n));
      }
      return d.hex();
    }
  }

  /** Every option that changes the patched bytes, in a fixed order. */
  static String fingerprint(PatchOptions o) {
    return String.join(
        ",",
        o.strategy().name(),
        o.effectiveRegisters().stream().map(Enum::name).sorted().toList().toString(),
        Long.toString(o.step()),
        Long.toString(o.frequency()),
        Boolean.toString(o.includeUncertain()),
        o.outOfRange().name(),
        o.rndr().name(),
        Long.toString(o.maxPadding()),
        dev.a64patch.core.Version.get());
  }
}
