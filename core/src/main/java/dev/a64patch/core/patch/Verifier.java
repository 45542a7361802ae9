package dev.a64patch.core.patch;

import dev.a64patch.core.disasm.InstructionDecoder;
import dev.a64patch.core.encode.A64;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.io.Mapped;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.Scanner;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a file after patching: the layout rules hold, every recorded site holds the word a64patch
 * wrote, every trampoline is the expected code (compared word by word and, through Capstone,
 * instruction by instruction) and ends by branching back to site+4, and no read that should have
 * been patched is left.
 */
public final class Verifier {
  private Verifier() {}

  /** Reads and verifies {@code file}, a truncation while reading being exit 4 in one line. */
  public static VerifyReport verify(Path file) throws IOException {
    return Mapped.use(file, Verifier::verify);
  }

  public static VerifyReport verify(ElfFile elf) {
    Manifest m;
    try {
      m = Manifest.read(elf).orElse(null);
    } catch (ManifestException e) {
      return damaged(elf, e);
    }
    return verify(elf, m, Verifier::wantedReads);
  }

  /**
   * A file whose manifest cannot be read: nothing recorded can be trusted, so no guesses from it.
   */
  static VerifyReport damaged(ElfFile elf, ManifestException e) {
    return new VerifyReport(elf.name(), true, 0, List.of(e.reason()), List.of());
  }

  /** Where verify finds the reads of the registers a patch rewrites. */
  interface Reads {
    /**
     * The reads of {@code registers} in {@code elf}: at least every one that no site of its
     * manifest records.
     */
    List<Finding> in(ElfFile elf, Set<SysReg> registers);
  }

  /**
   * The reads of a result whose bytes outside {@code changes} are {@code original}'s (patch's proof
   * checks that beside verify): {@code originalScan}'s, every one of which the plan recorded as a
   * site, whether rewritten or left. Only where a changed word or a code region {@code original}
   * lacks holds a read is the whole result scanned, as verify of a file does. The proof of a 140 MB
   * library then reads the few kilobytes patch changed, not the 140 MB (docs/performance.md,
   * "Eighth round").
   */
  static Reads sinceOriginal(ElfFile original, ScanResult originalScan, FileEdits changes) {
    List<long[]> changed =
        changes.sortedEdits().stream().map(e -> new long[] {e.offset(), e.end()}).toList();
    return (elf, registers) -> {
      if (registers.isEmpty()) {
        return List.of();
      }
      if (Scanner.readsWhereChanged(elf, original, registers, changed)) {
        return wantedReads(elf, registers);
      }
      return originalScan.findings().stream()
          .filter(f -> registers.contains(f.register()))
          .toList();
    };
  }

  /**
   * Verifies {@code elf}, whose manifest {@code m} is read already (null: it has none), with the
   * reads {@code reads} finds.
   */
  static VerifyReport verify(ElfFile elf, Manifest m, Reads reads) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    List<String> unpatched = new ArrayList<>();
    problems.addAll(LayoutRules.check(elf, m));
    if (m != null) {
      checkData(elf, m, problems);
      problems.addAll(ClockImport.verify(elf, m));
    }
    Set<Long> recorded = new HashSet<>();
    VerifyReport.Unwind unwind = null;
    if (m != null) {
      PatchOptions options = m.options().toPatchOptions(PatchOptions.DEFAULT_MAX_PADDING);
      try (InstructionDecoder decoder = InstructionDecoder.open()) {
        if (!decoder.available()) {
          notes.add("Capstone unavailable: trampolines compared word by word only");
        }
        for (Manifest.Site s : m.sites()) {
          recorded.add(s.offset());
          checkSite(elf, m, options, s, decoder, problems, notes);
          if (s.siteAction() == SitePlan.Action.SKIPPED && selected(options, s)) {
            unpatched.add(
                String.format(
                    "0x%x %s %s: %s",
                    s.address(), s.register(), SysReg.rtName(s.rt()), s.reason()));
          }
        }
      }
      unwind = UnwindCheck.check(elf, m, options, problems, notes);
    } else {
      notes.add("not patched by a64patch (no " + Planner.MANIFEST_SECTION + " section)");
    }
    Set<SysReg> patchable =
        m == null ? SysReg.counters() : m.options().toPatchOptions(0).effectiveRegisters();
    boolean includeUncertain = m != null && m.options().includeUncertain();
    for (Finding f : reads.in(elf, patchable)) {
      boolean wanted = f.confidence() == Confidence.HIGH || (includeUncertain && f.patchable());
      if (wanted && !recorded.contains(f.offset())) {
        problems.add(
            String.format(
                "unpatched %s read into %s at 0x%x%s",
                f.register(),
                f.rtName(),
                f.address(),
                f.symbol() == null ? "" : " in " + f.symbol().display()));
      }
    }
    return new VerifyReport(
        elf.name(),
        m != null,
        m == null ? 0 : m.sites().size(),
        problems,
        notes,
        unpatched,
        unwind);
  }

  /**
   * The reads of the registers the patch rewrites (the counters, for a file a64patch did not
   * patch). Only those: each read is judged on its own (RegisterSubsetTest), and a patched file
   * whose counter reads are all rewritten then needs no evidence pass at all, though it may still
   * read the counter's frequency (a proof's scan of a 140 MB library, 60 -> 20 ms).
   */
  private static List<Finding> wantedReads(ElfFile elf, Set<SysReg> patchable) {
    if (patchable.isEmpty()) {
      return List.of(); // options that select only registers they then leave alone
    }
    return Scanner.scan(elf, new ScanOptions(patchable, 0)).findings();
  }

  /**
   * A read the options chose to rewrite (its register is selected, it is no data in code and no
   * read into xzr) that was left as it was: out of reach, or uncertain without {@code
   * --include-uncertain}.
   */
  private static boolean selected(PatchOptions options, Manifest.Site s) {
    SysReg reg;
    try {
      reg = SysReg.valueOf(s.register());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return options.effectiveRegisters().contains(reg)
        && s.rt() != 31
        && !s.reason().startsWith("data in code");
  }

  /**
   * The RW segment's file bytes are the initial values of the trampolines' data (the counter's
   * start, the RNDR sequence); a change there changes what the patched program computes.
   */
  private static void checkData(ElfFile elf, Manifest m, List<String> problems) {
    Layout.Section data = m.section(NewSection.TRAMPOLINE_DATA).orElse(null);
    if (data == null) {
      return;
    }
    byte[] want = Trampolines.initialData();
    if (data.size() != want.length) {
      problems.add(
          String.format(
              "the trampoline data has 0x%x bytes, expected 0x%x", data.size(), want.length));
      return;
    }
    // By address: strip moves the segment in the file.
    long at = elf.offsetOf(data.vaddr()).orElse(-1L);
    if (at < 0 || at + want.length > elf.size()) {
      problems.add(
          String.format("the trampoline data at 0x%x is not mapped from the file", data.vaddr()));
      return;
    }
    ByteBuffer found = elf.slice(at, want.length);
    for (int i = 0; i < want.length; i++) {
      if (found.get(i) != want[i]) {
        problems.add(
            String.format(
                "the trampoline data at 0x%x differs from its initial value at byte %d",
                data.vaddr(), i));
        return;
      }
    }
  }

  private static void checkSite(
      ElfFile elf,
      Manifest m,
      PatchOptions options,
      Manifest.Site s,
      InstructionDecoder decoder,
      List<String> problems,
      List<String> notes) {
    ByteBuffer bytes = elf.bytes();
    if (s.offset() < 0 || s.offset() + 4 > elf.size()) {
      problems.add(String.format("site at offset 0x%x lies outside the file", s.offset()));
      return;
    }
    int word = bytes.getInt((int) s.offset());
    String where =
        String.format("site 0x%x (%s %s)", s.address(), s.register(), SysReg.rtName(s.rt()));
    if (s.siteAction() == SitePlan.Action.SKIPPED) {
      if (SysReg.valueOf(s.register()).kind() == SysReg.Kind.COUNTER) {
        notes.add(where + " left unpatched: " + s.reason());
      }
      if (word != s.original()) {
        problems.add(
            String.format(
                "%s was to be left alone but holds 0x%08x instead of 0x%08x",
                where, word, s.original()));
      }
      return;
    }
    if (word != s.patched()) {
      problems.add(String.format("%s holds 0x%08x, expected 0x%08x", where, word, s.patched()));
      return;
    }
    if (s.siteAction() != SitePlan.Action.TRAMPOLINE) {
      return;
    }
    List<Manifest.Island> to = islands(s, true);
    List<Manifest.Island> back = islands(s, false);
    boolean far = isFar(s);
    long entry = to.isEmpty() ? s.trampoline() : to.get(0).address();
    long returnTo = back.isEmpty() ? s.address() + 4 : back.get(0).address();
    if (!A64.inBranchRange(s.address(), entry) || word != A64.b(s.address(), entry)) {
      problems.add(
          String.format(
              "%s does not branch to its %s at 0x%x",
              where, to.isEmpty() ? "trampoline" : "first island", entry));
      return;
    }
    if (!checkIslands(elf, where, to, s.trampoline(), s.rt(), decoder, problems)
        || !checkIslands(elf, where, back, s.address() + 4, s.rt(), decoder, problems)) {
      return;
    }
    long data = m.section(NewSection.TRAMPOLINE_DATA).map(Layout.Section::vaddr).orElse(0L);
    List<Insn> expected =
        far
            ? Trampolines.encodeFar(
                s.trampolineKind(), s.rt(), returnTo, s.trampoline(), data, options)
            : Trampolines.encodeReturningTo(
                s.trampolineKind(), s.rt(), returnTo, s.trampoline(), data, options);
    long at = elf.offsetOf(s.trampoline()).orElse(-1L);
    if (at < 0 || at + expected.size() * 4L > elf.size()) {
      problems.add(
          String.format("%s: trampoline 0x%x is not mapped from the file", where, s.trampoline()));
      return;
    }
    for (int i = 0; i < expected.size(); i++) {
      long pc = s.trampoline() + 4L * i;
      int actual = bytes.getInt((int) (at + 4L * i));
      Insn want = expected.get(i);
      if (actual != want.word()) {
        problems.add(
            String.format(
                "%s: trampoline word at 0x%x is 0x%08x, expected 0x%08x (%s)",
                where, pc, actual, want.word(), want.text()));
        return;
      }
      if (decoder.available()) {
        String decoded = decoder.decode(actual, pc).orElse("(undefined)");
        if (!decoded.equals(want.text())) {
          problems.add(
              String.format(
                  "%s: trampoline instruction at 0x%x decodes as '%s', expected '%s'",
                  where, pc, decoded, want.text()));
          return;
        }
      }
    }
    int last = bytes.getInt((int) (at + 4L * (expected.size() - 1)));
    long lastPc = s.trampoline() + 4L * (expected.size() - 1);
    // A far trampoline leaves by BR, whose ADRP+ADD were compared above.
    if (!far && (!A64.inBranchRange(lastPc, returnTo) || last != A64.b(lastPc, returnTo))) {
      problems.add(
          where
              + ": trampoline does not end by branching back to "
              + (back.isEmpty() ? "site+4" : "its first island back"));
    }
  }

  /** The islands towards the trampoline, or those back to site + 4, in order. */
  private static List<Manifest.Island> islands(Manifest.Site s, boolean towards) {
    return s.islands().stream()
        .filter(i -> Island.Role.parse(i.role()).towardsTrampoline() == towards)
        .toList();
  }

  /** True when the site's trampoline is entered through a long island. */
  static boolean isFar(Manifest.Site s) {
    return s.islands().stream().anyMatch(i -> Island.Role.parse(i.role()).jumps());
  }

  /**
   * One chain of islands: each holds the words recorded, which are what the island's role encodes
   * at its address for its target; each branches to the next, the last to {@code goal}; every hop
   * within the reach of B (a hop out of reach cannot be encoded at all).
   */
  private static boolean checkIslands(
      ElfFile elf,
      String where,
      List<Manifest.Island> chain,
      long goal,
      int rt,
      InstructionDecoder decoder,
      List<String> problems) {
    for (int k = 0; k < chain.size(); k++) {
      Manifest.Island i = chain.get(k);
      long next = k + 1 < chain.size() ? chain.get(k + 1).address() : goal;
      String what = String.format("%s: island %s at 0x%x", where, i.role(), i.address());
      if (i.target() != next) {
        problems.add(String.format("%s branches to 0x%x, not to 0x%x", what, i.target(), next));
        return false;
      }
      List<Insn> want;
      try {
        want = Island.encode(Island.Role.parse(i.role()), i.address(), i.target(), rt);
      } catch (IllegalArgumentException e) {
        problems.add(String.format("%s cannot reach 0x%x", what, i.target()));
        return false;
      }
      if (i.offset() + 4L * want.size() > elf.size()) {
        problems.add(what + " lies outside the file");
        return false;
      }
      for (int w = 0; w < want.size(); w++) {
        long pc = i.address() + 4L * w;
        int actual = elf.bytes().getInt((int) (i.offset() + 4L * w));
        int recorded = w < i.patched().size() ? i.patched().get(w) : 0;
        if (actual != want.get(w).word() || recorded != actual) {
          problems.add(
              String.format(
                  "%s: word at 0x%x is 0x%08x (recorded 0x%08x), expected 0x%08x (%s)",
                  what, pc, actual, recorded, want.get(w).word(), want.get(w).text()));
          return false;
        }
        if (decoder.available()) {
          String decoded = decoder.decode(actual, pc).orElse("(undefined)");
          if (!decoded.equals(want.get(w).text())) {
            problems.add(
                String.format(
                    "%s: instruction at 0x%x decodes as '%s', expected '%s'",
                    what, pc, decoded, want.get(w).text()));
            return false;
          }
        }
      }
    }
    return true;
  }
}
