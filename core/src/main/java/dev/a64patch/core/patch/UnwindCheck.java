package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.cfi.CfaProgram;
import dev.a64patch.core.cfi.EhFrame;
import dev.a64patch.core.cfi.EhFrameHdr;
import dev.a64patch.core.cfi.Fde;
import dev.a64patch.core.cfi.UnwindTables;
import dev.a64patch.elf.ElfConstants;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSegment;
import dev.a64patch.elf.ElfSymbol;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of {@code verify} about unwinding and names: PT_GNU_EH_FRAME points at the new search
 * table, the table is sorted and every entry decodes to an FDE starting where the entry says, every
 * trampoline lies inside an FDE whose program runs, and every trampoline has its symbol.
 */
final class UnwindCheck {
  private UnwindCheck() {}

  static VerifyReport.Unwind check(
      ElfFile elf, Manifest m, PatchOptions options, List<String> problems, List<String> notes) {
    List<Manifest.Site> trampolines =
        m.sites().stream().filter(s -> s.siteAction() == SitePlan.Action.TRAMPOLINE).toList();
    int site = 0;
    int prologue = 0;
    int assumed = 0;
    for (Manifest.Site s : trampolines) {
      if (UnwindTables.Source.SITE.id().equals(s.unwind())) site++;
      if (UnwindTables.Source.PROLOGUE.id().equals(s.unwind())) prologue++;
      if (UnwindTables.Source.ASSUMED.id().equals(s.unwind())) assumed++;
    }
    VerifyReport.Unwind summary =
        new VerifyReport.Unwind(
            trampolines.size(),
            site,
            prologue,
            assumed,
            trampolines.size() - site - prologue - assumed);
    if (trampolines.isEmpty()) {
      return summary;
    }
    Optional<Layout.Section> hdr = m.section(NewSection.EH_FRAME_HDR);
    if (hdr.isEmpty()) {
      notes.add(
          "trampolines have no unwind information: the file's own unwind tables could not be read"
              + " or are out of reach of a new search table");
    } else {
      checkTable(elf, m, options, hdr.get(), trampolines, problems);
    }
    if (prologue > 0) {
      notes.add(
          prologue
              + " trampoline(s) unwind with rules read from their function's prologue (no CFI at"
              + " the site)");
    }
    if (assumed > 0) {
      notes.add(
          assumed
              + " trampoline(s) unwind with assumed rules (no CFI at the site): correct while the"
              + " patched function has not moved SP or saved LR, as in a leaf");
    }
    if (m.names() != null) {
      notes.add(m.names());
    } else if (elf.symbols().isEmpty()) {
      notes.add("the trampolines' names are gone with .symtab (stripped after patching)");
    } else {
      checkNames(elf, trampolines, problems);
    }
    return summary;
  }

  private static void checkTable(
      ElfFile elf,
      Manifest m,
      PatchOptions options,
      Layout.Section hdr,
      List<Manifest.Site> trampolines,
      List<String> problems) {
    Optional<ElfSegment> seg =
        elf.segments().stream().filter(s -> s.type() == PT_GNU_EH_FRAME).findFirst();
    if (seg.isEmpty() || seg.get().vaddr() != hdr.vaddr()) {
      problems.add(
          String.format(
              "PT_GNU_EH_FRAME does not point at the new search table at 0x%x", hdr.vaddr()));
      return;
    }
    List<EhFrameHdr.Entry> table;
    try {
      table = EhFrameHdr.table(elf).orElse(List.of());
    } catch (ElfException e) {
      problems.add("the new .eh_frame_hdr does not decode: " + e.reason());
      return;
    }
    Map<Long, Fde> byStart = new HashMap<>();
    for (int i = 0; i < table.size(); i++) {
      EhFrameHdr.Entry e = table.get(i);
      if (i > 0 && Long.compareUnsigned(table.get(i - 1).pc(), e.pc()) > 0) {
        problems.add(
            String.format(
                ".eh_frame_hdr is not sorted: entry %d (0x%x) after 0x%x",
                i, e.pc(), table.get(i - 1).pc()));
        return;
      }
      try {
        Fde fde = EhFrame.fdeAt(elf, e.fde());
        if (fde.pcBegin() != e.pc()) {
          problems.add(
              String.format(
                  ".eh_frame_hdr entry %d says 0x%x but its FDE at 0x%x starts at 0x%x",
                  i, e.pc(), e.fde(), fde.pcBegin()));
          return;
        }
        byStart.put(e.pc(), fde);
      } catch (ElfException x) {
        problems.add(String.format(".eh_frame_hdr entry %d: %s", i, x.reason()));
        return;
      }
    }
    for (Manifest.Site s : trampolines) {
      long size =
          Verifier.isFar(s)
              ? Trampolines.farSize(s.trampolineKind(), s.rt(), options)
              : Trampolines.size(s.trampolineKind(), s.rt(), options);
      Fde fde = byStart.get(s.trampoline());
      if (fde == null || fde.pcRange() < size) {
        problems.add(
            String.format(
                "trampoline at 0x%x (site 0x%x) is not covered by an FDE of the search table",
                s.trampoline(), s.address()));
        continue;
      }
      try {
        CfaProgram.rows(fde, elf.header().isLittleEndian());
      } catch (CfaProgram.BadProgram x) {
        problems.add(
            String.format("the FDE of the trampoline at 0x%x: %s", s.trampoline(), x.getMessage()));
      }
    }
  }

  private static void checkNames(
      ElfFile elf, List<Manifest.Site> trampolines, List<String> problems) {
    Map<Long, String> named = new HashMap<>();
    for (ElfSymbol sym : elf.symbols()) {
      if (sym.name().startsWith("a64patch.") && sym.type() == ElfConstants.STT_FUNC) {
        named.put(sym.value(), sym.name());
      }
    }
    for (Manifest.Site s : trampolines) {
      if (!named.containsKey(s.trampoline())) {
        problems.add(
            String.format(
                "the trampoline at 0x%x (site 0x%x) has no a64patch.* symbol in .symtab",
                s.trampoline(), s.address()));
      }
    }
  }
}
