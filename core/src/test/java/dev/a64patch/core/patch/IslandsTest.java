package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.encode.A64;
import dev.a64patch.core.report.PatchReport;
import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.core.scan.SegmentTail;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.QemuGdb;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Islands (docs/design.md, section 10) proven on an image with more than 256 MiB of code, generated
 * here with GNU as/ld/gcc and never committed: 272 functions, each followed by alignment padding to
 * the next MiB (nops that gas emits for {@code .p2align}, as compilers pad functions), with counter
 * reads at the start, in the middle and at the end. The reads at the start and in the middle are
 * beyond the reach of B from the new segment and get there through chains of islands; the default
 * patch succeeds, verify passes, the patched library (through dlopen) and PIE run under qemu with
 * identical, advancing counter values on two runs, objdump (an independent decoder) agrees with the
 * manifest on every island's branch target, and restore gives back the original byte for byte.
 */
class IslandsTest {
  @TempDir static Path dir;
  static Path library;
  static Path pie;

  static final int FILLERS = 270;

  @BeforeAll
  static void build() throws Exception {
    Path as = Tools.require("aarch64-linux-gnu-as");
    Path ld = Tools.require("aarch64-linux-gnu-ld");
    Path gcc = Tools.require("aarch64-linux-gnu-gcc");
    List<String> s = new ArrayList<>(List.of(".text"));
    function(s, "f_start", "mrs x0, cntvct_el0", "ret");
    for (int i = 0; i < FILLERS; i++) {
      if (i == FILLERS / 2) {
        function(s, "f_mid", "mrs x1, cntvct_el0", "mov x0, x1", "ret");
      }
      function(s, "g" + i, "ret");
    }
    function(s, "f_end", "mrs x0, cntvct_el0", "ret");
    Path src = dir.resolve("big.s");
    Files.writeString(src, String.join("\n", s) + "\n");
    Path main = dir.resolve("main.c");
    Files.writeString(
        main,
        String.join(
            "\n",
            "#include <stdio.h>",
            "long f_start(void), f_mid(void), f_end(void);",
            "int main(void) {",
            "  for (int i = 0; i < 2; i++) {",
            "    printf(\"T start %ld\\n\", f_start());",
            "    printf(\"T mid %ld\\n\", f_mid());",
            "    printf(\"T end %ld\\n\", f_end());",
            "  }",
            "  return 0;",
            "}",
            ""));
    Path obj = dir.resolve("big.o");
    library = dir.resolve("libbig.so");
    pie = dir.resolve("bigpie");
    Tools.runOk(as.toString(), "-o", obj.toString(), src.toString());
    Tools.runOk(ld.toString(), "-shared", "-o", library.toString(), obj.toString());
    Tools.runOk(
        gcc.toString(),
        "-O1",
        "-fPIE",
        "-pie",
        "-o",
        pie.toString(),
        main.toString(),
        obj.toString());
    Files.delete(obj);
    assertTrue(Files.size(library) > 256L << 20, "more than 256 MiB of code");
  }

  private static void function(List<String> s, String name, String... body) {
    s.add(".globl " + name);
    s.add(".type " + name + ", %function");
    s.add(name + ":");
    for (String b : body) {
      s.add("  " + b);
    }
    s.add(".size " + name + ", .-" + name);
    s.add(".p2align 20"); // up to 1 MiB of nops, as compilers align functions
  }

  @Test
  void islandSpaceIsThePaddingBetweenFunctions() throws Exception {
    ElfFile elf = ElfFile.read(library);
    List<IslandSpace.Run> runs = IslandSpace.find(elf);
    assertEquals(FILLERS + 3, runs.size(), "one run after each function (the last one too)");
    long start =
        elf.symbols().stream()
            .filter(x -> x.name().equals("f_start"))
            .findFirst()
            .orElseThrow()
            .value();
    assertEquals(start + 8, runs.get(0).address(), "right after f_start's ret, outside its size");
  }

  @Test
  void sharedLibraryReachesItsTrampolinesThroughIslands() throws Exception {
    Path out = dir.resolve("libbig.patched.so");
    Patcher.Outcome o =
        Patcher.patch(library, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    checkPlan(o.plan());
    checkIslandsWithObjdump(out, o.plan());
    Path loader = TestData.bin("absl_loader");
    for (String symbol : List.of("f_start", "f_mid", "f_end")) {
      List<BigInteger> first =
          values(Qemu.run(loader, List.of(out.toString(), symbol, "3"), Map.of()));
      List<BigInteger> second =
          values(Qemu.run(loader, List.of(out.toString(), symbol, "3"), Map.of()));
      assertEquals(first, second, symbol + ": identical on two runs");
      assertEquals(counter(0, 1, 2), first, symbol + ": the patched counter, advancing");
    }
    restoresExactly(out, library);
  }

  @Test
  void pieReachesItsTrampolinesThroughIslands() throws Exception {
    Path out = dir.resolve("bigpie.patched");
    Patcher.Outcome o =
        Patcher.patch(pie, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    checkPlan(o.plan());
    checkIslandsWithObjdump(out, o.plan());
    out.toFile().setExecutable(true);
    List<BigInteger> first = values(Qemu.run(out));
    assertEquals(first, values(Qemu.run(out)), "identical on two runs");
    assertEquals(counter(0, 1, 2, 3, 4, 5), first, "start, mid, end twice: advancing");
    restoresExactly(out, pie);
  }

  /**
   * A small BTI-marked library whose 200 MiB {@code .bss} lies between its code and the new
   * segment: no chain of B hops can cross that, so each read goes through a long island in the
   * padding next to it ({@code adrp}+{@code add}+{@code br} to a trampoline that starts with {@code
   * bti j}) and returns through a second one. Under qemu, whose loader maps the library's code with
   * PROT_BTI, a {@code br} to anything but a landing pad would fault.
   */
  @Test
  void largeBssIsCrossedByLongIslands() throws Exception {
    Patcher.Outcome o = bssLibraryPatched("wide", 6, false);
    for (SitePlan site : o.plan().sites()) {
      assertEquals(
          List.of(Island.Role.LONG_TO, Island.Role.LONG_BACK),
          site.islands().stream().map(Island::role).toList());
    }
    checkLongIslandsWithObjdump(dir.resolve("libwide.patched.so"));
    runsAndRestores("wide", o);
  }

  /**
   * Functions aligned to 16 bytes, as GCC does at -O2, leave 1 to 3 words of padding: too few for a
   * whole long island, so it is split into pieces joined by B, each within reach of the next.
   */
  @Test
  void smallPaddingTakesLongIslandsInPieces() throws Exception {
    Patcher.Outcome o = bssLibraryPatched("narrow", 4, false);
    for (SitePlan site : o.plan().sites()) {
      List<Island.Role> roles = site.islands().stream().map(Island::role).toList();
      assertTrue(
          roles.containsAll(List.of(Island.Role.SAVE, Island.Role.JUMP)),
          "no 4 free words anywhere: " + roles);
    }
    runsAndRestores("narrow", o);
  }

  /**
   * Functions with no padding at all, linked as GNU ld does by default (the next segment 64 KiB
   * away): the long islands go into the zero bytes after the code segment's file image, and the
   * patched program headers extend that segment over them, and only that one, only as far as the
   * last island (readelf). objdump, reading the new {@code .a64patch.islands} section header,
   * agrees with the manifest on every island; the library runs under qemu with BTI enforced, and
   * restore is exact.
   */
  @Test
  void segmentTailTakesLongIslandsWhereThereIsNoPadding() throws Exception {
    Patcher.Outcome o = bssLibraryPatched("tail", 2, true);
    Path lib = dir.resolve("libtail.so");
    Path out = dir.resolve("libtail.patched.so");
    assertTrue(IslandSpace.find(ElfFile.read(lib)).stream().allMatch(IslandSpace.Run::inTail));
    List<String[]> before = loads(lib);
    List<String[]> after = loads(out);
    long islandsEnd = 0;
    for (SitePlan site : o.plan().sites()) {
      for (Island i : site.islands()) {
        islandsEnd = Math.max(islandsEnd, i.end());
      }
    }
    int grown = 0;
    for (String[] b : before) {
      String[] a = after.stream().filter(x -> x[2].equals(b[2])).findFirst().orElseThrow();
      if (b[6].equals("R") && b[7].equals("E")) {
        long vaddr = Long.decode(b[2]);
        long oldEnd = vaddr + Long.decode(b[5]);
        assertTrue(islandsEnd > oldEnd && islandsEnd <= ((oldEnd + 0xffff) & ~0xffffL));
        assertEquals(islandsEnd - vaddr, Long.decode(a[4]), "p_filesz ends with the islands");
        assertEquals(islandsEnd - vaddr, Long.decode(a[5]), "p_memsz ends with the islands");
        assertEquals(List.of(b[1], b[2], b[3]), List.of(a[1], a[2], a[3]), "same place");
        assertEquals(
            List.of(b).subList(6, b.length), List.of(a).subList(6, a.length), "flags, p_align");
        grown++;
      } else {
        assertArrayEquals(b, a, "other segments as they were");
      }
    }
    assertEquals(1, grown);
    String vaddr = before.stream().filter(b -> b[7].equals("E")).findFirst().orElseThrow()[2];
    long oldEnd =
        Long.decode(vaddr)
            + Long.decode(before.stream().filter(b -> b[7].equals("E")).findFirst().get()[5]);
    int index =
        ElfFile.read(lib).segments().stream()
            .filter(x -> x.isLoad() && x.isExecutable())
            .findFirst()
            .orElseThrow()
            .index();
    var entry = new PatchReport.Entry(out.toString(), o.result(), o.plan());
    java.io.StringWriter text = new java.io.StringWriter();
    PatchReport.text(List.of(entry), false, new java.io.PrintWriter(text));
    assertTrue(
        text.toString()
            .contains(
                String.format(
                    "islands: code segment %d extended by %d bytes over its tail (0x%x-0x%x)",
                    index, islandsEnd - oldEnd, oldEnd, islandsEnd)),
        text.toString());
    java.io.StringWriter json = new java.io.StringWriter();
    PatchReport.json(List.of(entry), List.of(), false, json);
    assertTrue(
        json.toString()
            .replaceAll("\\s", "")
            .contains(
                String.format(
                    "\"grownSegments\":[{\"segment\":%d,\"from\":\"0x%x\",\"to\":\"0x%x\"}]",
                    index, oldEnd, islandsEnd)),
        json.toString());
    Tools.Result sections =
        Tools.runOk(Tools.require("aarch64-linux-gnu-readelf").toString(), "-SW", out.toString());
    assertTrue(
        sections.stdout().matches("(?s).*\\.a64patch\\.islands\\s+PROGBITS.* AX .*"),
        sections.stdout());
    assertTrue(Verifier.verify(ElfFile.read(out)).ok());
    assertTrue(
        grownBy(out, 4).contains("only to the end of the islands in its tail"),
        "verify notices a segment grown past its islands");
    assertTrue(grownBy(out, -4).contains("only to the end of the islands in its tail"));
    checkLongIslandsWithObjdump(out);
    runsAndRestores("tail", o);
  }

  /**
   * Verify's problems with a copy of {@code patched} whose grown code segment has {@code delta}
   * more bytes in p_filesz and p_memsz.
   */
  private static String grownBy(Path patched, long delta) throws Exception {
    Path copy = dir.resolve("grown" + delta);
    Files.copy(patched, copy);
    ElfFile elf = ElfFile.read(copy);
    var code = elf.segments().stream().filter(x -> x.isLoad() && x.vaddr() == 0).findFirst();
    long at = elf.header().phoff() + 56L * code.orElseThrow().index();
    try (var ch =
        java.nio.channels.FileChannel.open(copy, java.nio.file.StandardOpenOption.WRITE)) {
      var b = java.nio.ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      b.putLong(code.get().filesz() + delta).putLong(code.get().memsz() + delta).flip();
      ch.write(b, at + 32); // p_filesz, p_memsz
    }
    String problems = String.join("\n", Verifier.verify(ElfFile.read(copy)).problems());
    Files.delete(copy);
    return problems;
  }

  /** The PT_LOAD lines of {@code readelf -lW}, split into fields. */
  private static List<String[]> loads(Path file) {
    return Tools.runOk(
            Tools.require("aarch64-linux-gnu-readelf").toString(), "-lW", file.toString())
        .stdout()
        .lines()
        .map(String::trim)
        .filter(l -> l.startsWith("LOAD "))
        .map(l -> l.split("\\s+"))
        .toList();
  }

  /**
   * A small BTI-marked library whose 200 MiB {@code .bss} lies between its code and the new
   * segment: no chain of B hops can cross that, so each read goes through long islands in the
   * padding next to it ({@code adrp}+{@code add}+{@code br} to a trampoline that starts with {@code
   * bti j}) and returns through others. Under qemu, whose loader maps the library's code with
   * PROT_BTI, a {@code br} to anything but a landing pad would fault. Functions are aligned to
   * {@code 1 << align}. Unless {@code tail}, the library is linked for 4 KiB pages, which leaves
   * its code segment no tail ({@link SegmentTail}): the padding is all the island space there is.
   */
  private static Patcher.Outcome bssLibraryPatched(String name, int align, boolean tail)
      throws Exception {
    List<String> s = new ArrayList<>(List.of(".text"));
    bss(s, align, "f_read", "hint #34", "mrs x0, cntvct_el0", "ret");
    bss(s, align, "f_x16", "hint #34", "mrs x16, cntvct_el0", "mov x0, x16", "ret");
    for (int i = 0; i < 8; i++) {
      bss(s, align, "g" + i, "ret"); // never called: no landing pad needed
    }
    s.add(".bss");
    s.add(".skip 200 << 20");
    Path src = dir.resolve(name + ".s");
    Files.writeString(src, String.join("\n", s) + "\n");
    Path obj = dir.resolve(name + ".o");
    Path lib = dir.resolve("lib" + name + ".so");
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-as").toString(), "-o", obj.toString(), src.toString());
    List<String> link =
        new ArrayList<>(List.of(Tools.require("aarch64-linux-gnu-ld").toString(), "-shared"));
    link.addAll(List.of("-z", "force-bti", "-o", lib.toString(), obj.toString()));
    if (!tail) {
      link.addAll(List.of("-z", "max-page-size=4096")); // no segment tail: padding only
    }
    Tools.runOk(link.toArray(String[]::new));
    if (!tail) {
      assertEquals(List.of(), SegmentTail.of(ElfFile.read(lib)), "the fixture has no tail");
    }
    Path out = dir.resolve("lib" + name + ".patched.so");
    Patcher.Outcome o =
        Patcher.patch(lib, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    assertEquals(2, o.plan().throughIslands());
    for (SitePlan site : o.plan().sites()) {
      assertEquals(SitePlan.Action.TRAMPOLINE, site.action());
      assertTrue(site.far(), site.toString());
      assertEquals(A64.BTI_J, site.code().get(0).word(), "the BR target is a landing pad");
    }
    return o;
  }

  /**
   * Padding of one word next to each read is room for no island piece: the default refuses, saying
   * so, and the advice it gives ({@code --out-of-range zero}) leads to a run that succeeds.
   */
  @Test
  void noRoomForIslandsIsRefusedWithAdviceThatWorks() throws Exception {
    List<String> s = new ArrayList<>(List.of(".text"));
    bss(s, 3, "f_read", "hint #34", "mrs x0, cntvct_el0", "ret"); // 12 bytes: 1 word of padding
    s.add(".bss");
    s.add(".skip 200 << 20");
    Path src = dir.resolve("tight.s");
    Files.writeString(src, String.join("\n", s) + "\n");
    Path obj = dir.resolve("tight.o");
    Path lib = dir.resolve("libtight.so");
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-as").toString(), "-o", obj.toString(), src.toString());
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-ld").toString(),
        "-shared",
        "-z",
        "max-page-size=4096", // no segment tail (SegmentTail)
        "-o",
        lib.toString(),
        obj.toString());
    assertFalse(IslandSpace.find(ElfFile.read(lib)).isEmpty(), "there is padding, only too little");
    assertEquals(List.of(), SegmentTail.of(ElfFile.read(lib)), "and no segment tail");
    Path out = dir.resolve("libtight.patched.so");
    PatchException e =
        assertThrows(
            PatchException.class,
            () -> Patcher.patch(lib, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("has no room for islands"), e.getMessage());
    assertEquals(
        dev.a64patch.core.failure.Remedy.of(
            "choose", dev.a64patch.core.failure.Setting.OUT_OF_RANGE, "skip", "zero", "nop"),
        e.remedy().orElseThrow());
    assertFalse(Files.exists(out));
    PatchOptions zero = PatchOptions.defaults().withOutOfRange(OutOfRangePolicy.ZERO);
    Patcher.Outcome o = Patcher.patch(lib, out, zero, false, PatchWriter.Hooks.NONE);
    assertEquals(SitePlan.Action.IN_PLACE, o.plan().sites().get(0).action());
    assertTrue(Verifier.verify(ElfFile.read(out)).ok());
  }

  /** Both reads yield the counter, identically on two runs; restore is exact. */
  private static void runsAndRestores(String name, Patcher.Outcome o) throws Exception {
    Path out = dir.resolve("lib" + name + ".patched.so");
    Path loader = TestData.bin("absl_loader");
    for (String symbol : List.of("f_read", "f_x16")) {
      List<BigInteger> first =
          values(Qemu.run(loader, List.of(out.toString(), symbol, "3"), Map.of()));
      assertEquals(
          first,
          values(Qemu.run(loader, List.of(out.toString(), symbol, "3"), Map.of())),
          symbol + ": identical on two runs");
      assertEquals(counter(0, 1, 2), first, symbol + ": the patched counter, advancing");
    }
    // Control: without the landing pad the BR faults, so the loader really guards these pages.
    Path unguarded = dir.resolve("lib" + name + ".nobti.so");
    Files.copy(out, unguarded);
    SitePlan first = o.plan().sites().get(0);
    long at = ElfFile.read(out).offsetOf(first.trampoline()).orElseThrow();
    try (var ch =
        java.nio.channels.FileChannel.open(unguarded, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(
          java.nio.ByteBuffer.allocate(4)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN)
              .putInt(0, A64.NOP),
          at);
    }
    Tools.Result r =
        Qemu.run(
            loader, List.of(unguarded.toString(), first.finding().symbol().name(), "1"), Map.of());
    assertNotEquals(0, r.exitCode(), "a BR to a NOP on a BTI page must fault: " + r.describe());
    restoresExactly(out, dir.resolve("lib" + name + ".so"));
  }

  /**
   * gdb attached to qemu's gdb stub stops in a trampoline entered through a long island (a PIE
   * whose 130 MiB .bss separates its code from the new segment; the read sits in a function that
   * saved LR on the stack, so unwinding needs the right CFA): the backtrace reaches main from the
   * trampoline's first instruction and after it has moved SP. With the 16 bytes the island pushed
   * left out of the unwind rows, frame #1 is garbage (checked by hand when this was written).
   */
  @Test
  void backtraceFromAFarTrampolineReachesMain() throws Exception {
    Tools.require("gdb-multiarch"); // before building: fails or skips at once
    Tools.require("qemu-aarch64");
    Path c = dir.resolve("bssmain.c");
    Files.writeString(
        c,
        String.join(
            "\n",
            "#include <stdio.h>",
            "char big[130 << 20];",
            "__attribute__((noinline)) void other(void) { __asm__ volatile(\"\"); }",
            "__attribute__((noinline, aligned(64))) long f_read(void) {",
            "  other();",
            "  long v;",
            "  __asm__ volatile(\"mrs %0, cntvct_el0\" : \"=r\"(v));",
            "  other();",
            "  return v;",
            "}",
            "int main(int argc, char **argv) {",
            "  for (int i = 0; i < 2; i++) printf(\"T read %ld\\n\", f_read() + big[argc]);",
            "  return 0;",
            "}",
            ""));
    Path exe = dir.resolve("bsspie");
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-gcc").toString(),
        "-O1",
        "-fomit-frame-pointer",
        "-falign-functions=64",
        "-fPIE",
        "-pie",
        "-o",
        exe.toString(),
        c.toString());
    Path out = dir.resolve("bsspie.patched");
    PatchOptions roomy = PatchOptions.defaults().withMaxPadding(300L << 20);
    Patcher.Outcome o = Patcher.patch(exe, out, roomy, false, PatchWriter.Hooks.NONE);
    assertTrue(o.plan().sites().get(0).far(), "through a long island");
    out.toFile().setExecutable(true);
    assertEquals(counter(0, 1), values(Qemu.run(out)));
    String name =
        ElfFile.read(out).symbols().stream()
            .map(x -> x.name())
            .filter(n -> n.startsWith("a64patch.counter.f_read"))
            .findFirst()
            .orElseThrow();
    QemuGdb.Traces t = QemuGdb.backtraces(out, List.of(), name, 3, dir.resolve("program.out"));
    assertEquals(2, t.backtraces().size(), t.gdb().describe());
    for (String bt : t.backtraces()) {
      assertTrue(
          bt.lines().findFirst().orElse("").contains(" in " + name + " ("), t.gdb().describe());
      assertTrue(bt.matches("(?s).*\\n#1 .* in main \\(.*"), t.gdb().describe());
    }
    Files.delete(out);
  }

  private static void bss(List<String> s, int align, String name, String... body) {
    s.add(".globl " + name);
    s.add(".type " + name + ", %function");
    s.add(name + ":");
    for (String b : body) {
      s.add("  " + b);
    }
    s.add(".size " + name + ", .-" + name);
    s.add(".p2align " + align);
  }

  private static final Pattern ADRP =
      Pattern.compile("^\\s*([0-9a-f]+):\\s+[0-9a-f]{8}\\s+adrp\\s+x(\\d+),\\s*([0-9a-f]+)");
  private static final Pattern ADD =
      Pattern.compile(
          "^\\s*([0-9a-f]+):\\s+[0-9a-f]{8}\\s+add\\s+x\\d+,\\s*x\\d+,\\s*#0x([0-9a-f]+)");

  /**
   * objdump's reading of each long island: the site branches to it, its adrp+add+br computes the
   * trampoline's address, the trampoline's adrp+add+br computes the way back, and the island back
   * branches to site + 4, as the manifest says.
   */
  private static void checkLongIslandsWithObjdump(Path patched) throws Exception {
    Manifest m = Manifest.read(ElfFile.read(patched)).orElseThrow();
    Path objdump = Tools.require("aarch64-linux-gnu-objdump");
    for (Manifest.Site s : m.sites()) {
      Manifest.Island to = s.islands().get(0);
      Manifest.Island back = s.islands().get(1);
      assertEquals("long-to", to.role());
      assertEquals("long-back", back.role());
      assertEquals(to.address(), branchTarget(objdump, patched, s.address()), "site");
      assertEquals(s.trampoline(), to.target());
      assertEquals(s.trampoline(), addressComputed(objdump, patched, to.address() + 4), "there");
      assertEquals(s.address() + 4, back.target());
      assertEquals(s.address() + 4, branchTarget(objdump, patched, back.address() + 8), "back");
      long size = Trampolines.farSize(s.trampolineKind(), s.rt(), PatchOptions.defaults());
      assertEquals(
          back.address(),
          addressComputed(objdump, patched, s.trampoline() + size - 12),
          "the trampoline's way back");
    }
  }

  /** The address objdump sees {@code adrp; add; br} at {@code at} compute. */
  private static long addressComputed(Path objdump, Path file, long at) {
    Tools.Result r = disassembly(objdump, file, at, 12);
    long page = -1;
    long low = -1;
    boolean br = false;
    for (String line : r.stdout().split("\n")) {
      Matcher a = ADRP.matcher(line);
      Matcher d = ADD.matcher(line);
      if (a.find()) {
        page = Long.parseLong(a.group(3), 16);
      } else if (d.find()) {
        low = Long.parseLong(d.group(2), 16);
      } else if (line.matches("^\\s*[0-9a-f]+:\\s+[0-9a-f]{8}\\s+br\\s+x1[67]\\s*$")) {
        br = true;
      }
    }
    assertTrue(
        page >= 0 && low >= 0 && br,
        "adrp, add, br at " + Long.toHexString(at) + ":\n" + r.stdout());
    return page + low;
  }

  /** Every read patched by trampoline; the far ones through islands both ways, the near one not. */
  private static void checkPlan(PatchPlan plan) {
    assertEquals(3, plan.sites().size());
    for (SitePlan s : plan.sites()) {
      assertEquals(SitePlan.Action.TRAMPOLINE, s.action(), s.toString());
    }
    for (int i = 0; i < 2; i++) {
      List<Island> islands = plan.sites().get(i).islands();
      assertTrue(islands.stream().anyMatch(x -> x.role() == Island.Role.TO), "far: hops there");
      assertTrue(islands.stream().anyMatch(x -> x.role() == Island.Role.BACK), "far: hops back");
    }
    assertTrue(plan.sites().get(0).islands().size() >= 4, "from the start: two hops each way");
    assertEquals(List.of(), plan.sites().get(2).islands(), "the read at the end reaches directly");
  }

  private static final Pattern B =
      Pattern.compile("^\\s*([0-9a-f]+):\\s+[0-9a-f]{8}\\s+b\\s+([0-9a-f]+)\\b");

  /**
   * objdump decodes the site and every island in the patched file: each branches where the manifest
   * says, and the chain runs site, islands there, trampoline, islands back, site + 4.
   */
  private static void checkIslandsWithObjdump(Path patched, PatchPlan plan) throws Exception {
    Manifest m = Manifest.read(ElfFile.read(patched)).orElseThrow();
    Path objdump = Tools.require("aarch64-linux-gnu-objdump");
    for (Manifest.Site s : m.sites()) {
      List<Manifest.Island> to = s.islands().stream().filter(i -> i.role().equals("to")).toList();
      List<Manifest.Island> back =
          s.islands().stream().filter(i -> i.role().equals("back")).toList();
      long next = to.isEmpty() ? s.trampoline() : to.get(0).address();
      assertEquals(next, branchTarget(objdump, patched, s.address()), "site");
      for (Manifest.Island i : s.islands()) {
        assertEquals(i.target(), branchTarget(objdump, patched, i.address()), "island " + i);
      }
      for (int k = 0; k < to.size(); k++) {
        long want = k + 1 < to.size() ? to.get(k + 1).address() : s.trampoline();
        assertEquals(want, to.get(k).target());
      }
      for (int k = 0; k < back.size(); k++) {
        long want = k + 1 < back.size() ? back.get(k + 1).address() : s.address() + 4;
        assertEquals(want, back.get(k).target());
      }
      SitePlan p =
          plan.sites().stream()
              .filter(x -> x.finding().address() == s.address())
              .findFirst()
              .orElseThrow();
      long last = s.trampoline() + 4L * (p.code().size() - 1);
      assertEquals(
          back.isEmpty() ? s.address() + 4 : back.get(0).address(),
          branchTarget(objdump, patched, last),
          "the trampoline's branch back");
    }
  }

  /** objdump's disassembly of {@code bytes} bytes of {@code file} from address {@code at}. */
  private static Tools.Result disassembly(Path objdump, Path file, long at, int bytes) {
    return Tools.runOk(
        objdump.toString(),
        "-d",
        String.format("--start-address=0x%x", at),
        String.format("--stop-address=0x%x", at + bytes),
        file.toString());
  }

  private static long branchTarget(Path objdump, Path file, long address) {
    Tools.Result r = disassembly(objdump, file, address, 4);
    for (String line : r.stdout().split("\n")) {
      Matcher x = B.matcher(line);
      if (x.find() && Long.parseLong(x.group(1), 16) == address) {
        return Long.parseLong(x.group(2), 16);
      }
    }
    return fail(String.format("objdump shows no b at 0x%x:%n%s", address, r.stdout()));
  }

  private static void restoresExactly(Path patched, Path original) throws Exception {
    assertTrue(Verifier.verify(ElfFile.read(patched)).ok());
    Path restored = dir.resolve(patched.getFileName() + ".restored");
    Patcher.restore(patched, restored, PatchWriter.Hooks.NONE);
    assertEquals(-1L, Files.mismatch(restored, original), "restore is byte-exact");
    Files.delete(restored);
    Files.delete(patched);
  }

  private static List<BigInteger> values(Tools.Result r) {
    assertEquals(0, r.exitCode(), r.describe());
    return Qemu.values(r.stdout());
  }

  private static List<BigInteger> counter(int... reads) {
    List<BigInteger> out = new ArrayList<>();
    for (int n : reads) {
      out.add(BigInteger.valueOf(Trampolines.COUNTER_START + 1000L * n));
    }
    return out;
  }
}
