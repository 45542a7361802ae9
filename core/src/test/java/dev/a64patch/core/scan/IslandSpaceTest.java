package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbol;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Island space is padding that nothing executes or reads, and nothing else (docs/design.md, section
 * 10): a library assembled here with one case per rule, each padding run right after a
 * one-instruction function before it. Only the runs of {@code free} and the part of {@code cut}
 * before the branch target may be used; words a dynamic relocation writes are data.
 */
class IslandSpaceTest {
  @TempDir Path dir;

  @Test
  void onlyPaddingThatNothingTouchesIsIslandSpace() throws Exception {
    Path as = Tools.require("aarch64-linux-gnu-as");
    Path ld = Tools.require("aarch64-linux-gnu-ld");
    String src =
        String.join(
            "\n",
            ".text",
            // free: padding after ret, outside every range, referenced by nothing.
            fn("free", "ret"),
            "  nop; nop; nop; nop",
            // cut: a bl targets the third padding word; the two before it stay free.
            fn("cut", "ret"),
            "  nop; nop",
            ".Lcut_target: nop; nop",
            // falls: no terminator before the nops, so control falls into them.
            fn("falls", "mov x0, x1"),
            "  nop; nop; ret",
            // taken: its address is taken by adr.
            fn("taken", "ret"),
            ".Ltaken_pad: nop; nop",
            // sized: the symbol's size covers the padding.
            ".globl sized",
            ".type sized, %function",
            "sized: ret",
            "  nop; nop",
            ".size sized, .-sized",
            // data: .fill in code is data ($d).
            fn("data", "ret"),
            "  .fill 4, 4, 0xd503201f",
            // fde: an FDE range covers the padding although the symbol's size does not.
            ".globl fde",
            ".type fde, %function",
            "fde: .cfi_startproc",
            "  ret",
            ".size fde, 4",
            "  nop; nop",
            "  .cfi_endproc",
            // relocated: the loader writes these two words (a text relocation, file bytes nops).
            fn("relocated", "ret"),
            "  .reloc ., R_AARCH64_ABS64, ext_sym",
            "  nop; nop",
            // the code that references cut_target and taken_pad.
            fn("user", "bl .Lcut_target", "adr x0, .Ltaken_pad", "ret"),
            "");
    Path s = dir.resolve("pads.s");
    Files.writeString(s, src);
    Path o = dir.resolve("pads.o");
    Path so = dir.resolve("libpads.so");
    Tools.runOk(as.toString(), "-o", o.toString(), s.toString());
    Tools.runOk(ld.toString(), "-shared", "--eh-frame-hdr", "-o", so.toString(), o.toString());
    ElfFile elf = ElfFile.read(so);
    List<IslandSpace.Run> runs = IslandSpace.find(elf);
    assertTrue(runs.contains(run(elf, "free", 4)), runs.toString());
    assertTrue(runs.contains(run(elf, "cut", 2)), runs.toString());
    for (String taboo : List.of("falls", "taken", "sized", "data", "fde", "relocated")) {
      long at = address(elf, taboo) + 4;
      assertTrue(
          runs.stream().noneMatch(r -> r.address() <= at + 12 && at < r.end()),
          taboo + " must not be island space: " + runs);
    }
  }

  /** The run right after the one-instruction function {@code name}. */
  private static IslandSpace.Run run(ElfFile elf, String name, long words) {
    long at = address(elf, name) + 4;
    return new IslandSpace.Run(at, elf.offsetOf(at).orElseThrow(), words);
  }

  private static long address(ElfFile elf, String name) {
    return elf.symbols().stream()
        .filter(x -> x.name().equals(name))
        .map(ElfSymbol::value)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no symbol " + name));
  }

  private static String fn(String name, String... body) {
    return String.join(
        "\n",
        ".globl " + name,
        ".type " + name + ", %function",
        name + ": " + String.join("; ", body),
        ".size " + name + ", .-" + name);
  }
}
