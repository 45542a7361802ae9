package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.scan.IslandSpace;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Qemu;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    run(as.toString(), "-o", obj.toString(), src.toString());
    run(ld.toString(), "-shared", "-o", library.toString(), obj.toString());
    run(
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

  private static void run(String... command) {
    Tools.Result r = Tools.run(List.of(command), Duration.ofMinutes(2));
    assertEquals(0, r.exitCode(), r.describe());
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

  private static long branchTarget(Path objdump, Path file, long address) {
    Tools.Result r =
        Tools.run(
            List.of(
                objdump.toString(),
                "-d",
                String.format("--start-address=0x%x", address),
                String.format("--stop-address=0x%x", address + 4),
                file.toString()),
            Duration.ofMinutes(1));
    assertEquals(0, r.exitCode(), r.describe());
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
