package dev.a64patch.core.patch;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfNames;
import dev.a64patch.elf.ElfRecord;
import dev.a64patch.elf.ElfSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The program-header rules whose violation has broken other rewriters (docs/design.md section 5):
 * what {@code readelf -lW} warns about, and what the kernel, glibc and qemu assume.
 */
final class LayoutRules {
  private LayoutRules() {}

  static List<String> check(ElfFile elf, Manifest manifest) {
    List<String> problems = new ArrayList<>();
    List<ElfSegment> loads = elf.segments().stream().filter(ElfSegment::isLoad).toList();
    for (int i = 1; i < loads.size(); i++) {
      ElfSegment a = loads.get(i - 1);
      ElfSegment b = loads.get(i);
      if (Long.compareUnsigned(a.vaddr(), b.vaddr()) > 0) {
        problems.add("PT_LOAD entries are not sorted by p_vaddr: " + a + " before " + b);
      } else if (Long.compareUnsigned(a.endVaddr(), b.vaddr()) > 0) {
        problems.add("PT_LOAD segments overlap: " + a + " and " + b);
      }
    }
    for (ElfSegment s : loads) {
      if (!InputRules.validAlign(s.align())) {
        problems.add(String.format("p_align 0x%x is not a power of two in %s", s.align(), s));
      }
      if (s.align() > 1
          && Long.remainderUnsigned(s.offset(), s.align())
              != Long.remainderUnsigned(s.vaddr(), s.align())) {
        problems.add(String.format("p_offset %% p_align != p_vaddr %% p_align in %s", s));
      }
      if (s.filesz() > s.memsz()) {
        problems.add("p_filesz > p_memsz in " + s);
      }
    }
    for (ElfSegment s : elf.segments()) {
      if (s.type() == PT_PHDR && loads.stream().noneMatch(l -> covers(l, s))) {
        problems.add("PHDR segment is not covered by a LOAD segment: " + s);
      }
    }
    if (!elf.segments().isEmpty()
        && elf.segments().get(0).type() != PT_PHDR
        && elf.segments().stream().anyMatch(s -> s.type() == PT_PHDR)) {
      problems.add("PT_PHDR is not the first program header");
    }
    if (manifest != null) {
      checkNewSegments(elf, manifest, loads, problems);
      checkOldSegments(elf, manifest, loads, problems);
    }
    return problems;
  }

  private static void checkNewSegments(
      ElfFile elf, Manifest m, List<ElfSegment> loads, List<String> problems) {
    for (Layout.Segment n : m.segments()) {
      ElfSegment s = loads.stream().filter(l -> l.vaddr() == n.vaddr()).findFirst().orElse(null);
      if (s == null) {
        problems.add(
            String.format(
                "the new segment at vaddr 0x%x is missing from the program headers", n.vaddr()));
        continue;
      }
      if (s.isWritable() && s.isExecutable()) {
        problems.add("new segment is writable and executable: " + s);
      }
      for (ElfSegment other : loads) {
        if (other != s
            && other.memsz() > 0
            && firstPage(other) <= lastPage(s)
            && firstPage(s) <= lastPage(other)) {
          problems.add(
              "new "
                  + ElfNames.segmentFlags(s.flags())
                  + " segment shares a 64 KiB page with "
                  + other);
        }
      }
    }
    if (m.section(NewSection.PROGRAM_HEADERS).isPresent() && Layout.isExecutable(elf)) {
      checkAtPhdr(elf, loads, problems);
    }
  }

  /**
   * Every PT_LOAD of the original (whose program header table is still in the file, at the {@code
   * e_phoff} the manifest's copy of the original ELF header names) is in the patched table as it
   * was, except that a code segment may be extended over islands in its tail (docs/design.md,
   * section 10): by exactly as much as they need, within the 64 KiB page that held its end.
   */
  private static void checkOldSegments(
      ElfFile elf, Manifest m, List<ElfSegment> loads, List<String> problems) {
    ElfRecord.Format ehdr = ElfRecord.EHDR.in(elf.header());
    ElfRecord.Format phdr = ElfRecord.PHDR.in(elf.header());
    ByteOrder order =
        elf.header().isLittleEndian() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer header = ByteBuffer.wrap(m.originalHeaderBytes()).order(order);
    long phoff = ehdr.get(header, 0, "e_phoff");
    long phnum = ehdr.get(header, 0, "e_phnum");
    if (phoff < 0 || phnum < 0 || phoff + phnum * phdr.size() > elf.size()) {
      problems.add(
          String.format("the original program headers at 0x%x lie outside the file", phoff));
      return;
    }
    ByteBuffer table = elf.slice(phoff, phnum * phdr.size()).order(order);
    for (int k = 0; k < phnum; k++) {
      int at = k * phdr.size();
      if (phdr.get(table, at, "p_type") != PT_LOAD) {
        continue;
      }
      long vaddr = phdr.get(table, at, "p_vaddr");
      ElfSegment now = loads.stream().filter(l -> l.vaddr() == vaddr).findFirst().orElse(null);
      String was = String.format("the original PT_LOAD at vaddr 0x%x", vaddr);
      if (now == null) {
        problems.add(was + " is missing from the program headers");
      } else if (now.offset() != phdr.get(table, at, "p_offset")
          || now.flags() != phdr.get(table, at, "p_flags")
          || now.align() != phdr.get(table, at, "p_align")) {
        problems.add(was + " has changed: " + now);
      } else {
        long filesz = phdr.get(table, at, "p_filesz");
        long memsz = phdr.get(table, at, "p_memsz");
        if (now.filesz() != filesz || now.memsz() != memsz) {
          checkGrowth(m, now, filesz, memsz, was, problems);
        }
      }
    }
  }

  /** A code segment grown from {@code filesz}/{@code memsz} to end with its last tail island. */
  private static void checkGrowth(
      Manifest m, ElfSegment now, long filesz, long memsz, String was, List<String> problems) {
    long oldEnd = now.vaddr() + memsz;
    long newEnd = now.vaddr() + now.memsz();
    long islandsEnd = -1;
    for (Manifest.Site s : m.sites()) {
      for (Manifest.Island i : s.islands()) {
        if (i.address() >= oldEnd && i.address() < newEnd) {
          islandsEnd = Math.max(islandsEnd, i.address() + 4L * i.original().size());
        }
      }
    }
    boolean ok =
        now.isExecutable()
            && !now.isWritable()
            && filesz == memsz
            && now.filesz() == now.memsz()
            && newEnd > oldEnd
            && newEnd <= Layout.alignUp(oldEnd, Layout.MIN_ALIGN)
            && newEnd == islandsEnd;
    if (!ok) {
      problems.add(
          String.format(
              "%s grew from p_filesz 0x%x p_memsz 0x%x to %s, but only a code segment may grow, and"
                  + " only to the end of the islands in its tail (%s), within its last 64 KiB page",
              was,
              filesz,
              memsz,
              now,
              islandsEnd < 0 ? "there are none" : String.format("0x%x", islandsEnd)));
    }
  }

  /**
   * Linux before 5.18 and qemu-user put AT_PHDR at load bias + (first PT_LOAD p_vaddr - p_offset) +
   * e_phoff; that must be where the program header table is mapped. strip breaks this for a patched
   * executable: it moves the table's file offset but not its address.
   */
  private static void checkAtPhdr(ElfFile elf, List<ElfSegment> loads, List<String> problems) {
    long delta = loads.get(0).vaddr() - loads.get(0).offset();
    long phoff = elf.header().phoff();
    ElfSegment holder =
        loads.stream().filter(l -> l.containsOffset(phoff)).findFirst().orElse(null);
    if (holder == null) {
      problems.add(
          String.format("no PT_LOAD maps the program header table at e_phoff 0x%x", phoff));
    } else if (holder.vaddr() - holder.offset() != delta) {
      problems.add(
          String.format(
              "AT_PHDR rule: the program headers are mapped at 0x%x, but Linux before 5.18 and"
                  + " qemu-user look for them at 0x%x (first PT_LOAD p_vaddr - p_offset + e_phoff); was the file"
                  + " stripped after patching? strip before patching instead",
              holder.vaddr() + (phoff - holder.offset()), delta + phoff));
    }
  }

  private static long firstPage(ElfSegment s) {
    return Long.divideUnsigned(s.vaddr(), Layout.MIN_ALIGN);
  }

  private static long lastPage(ElfSegment s) {
    return Long.divideUnsigned(s.endVaddr() - 1, Layout.MIN_ALIGN);
  }

  private static boolean covers(ElfSegment load, ElfSegment s) {
    return s.offset() >= load.offset()
        && s.offset() + s.filesz() <= load.offset() + load.filesz()
        && s.vaddr() - load.vaddr() == s.offset() - load.offset();
  }
}
