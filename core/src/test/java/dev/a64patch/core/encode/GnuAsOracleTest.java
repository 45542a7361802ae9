package dev.a64patch.core.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.a64patch.core.encode.A64Forms.Probe;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GNU as as a third oracle, in one batch: every probe of {@link A64Forms} (all forms, LDADD and its
 * STADD alias included, which Keystone cannot assemble) goes into one source file, assembled with
 * {@code aarch64-linux-gnu-as}, linked at the probes' base address so that B and ADRP (written
 * pc-relative, {@code . + d}) are resolved for their real pc, and the linked {@code .text} words,
 * read back with objdump, must equal the encoder's words.
 */
class GnuAsOracleTest {
  private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\s+([0-9a-f]{8})\\b.*$");

  @Test
  void everyFormAgreesWithGnuAs(@TempDir Path dir) throws IOException {
    Path as = Tools.require("aarch64-linux-gnu-as");
    Path ld = Tools.require("aarch64-linux-gnu-ld");
    Path objdump = Tools.require("aarch64-linux-gnu-objdump");
    List<Probe> probes = A64Forms.all(A64OracleTest.SEED, A64OracleTest.BASE);
    assertTrue(probes.stream().anyMatch(p -> p.gnu().equals("msr nzcv, xzr")));
    assertTrue(probes.stream().anyMatch(p -> p.gnu().equals("svc #0x0")));
    assertTrue(probes.stream().anyMatch(p -> p.form().equals("ldadd")));

    StringBuilder src = new StringBuilder("\t.text\n\t.globl _start\n_start:\n");
    for (Probe p : probes) {
      src.append('\t')
          .append(p.gnu())
          .append("\t// ")
          .append(p.form())
          .append(" @0x")
          .append(Long.toHexString(p.pc()))
          .append('\n');
    }
    Path s = Files.writeString(dir.resolve("forms.s"), src);
    Path o = dir.resolve("forms.o");
    Path elf = dir.resolve("forms");
    run(
        List.of(
            as.toString(),
            "-march=armv8.1-a",
            "--fatal-warnings",
            "-o",
            o.toString(),
            s.toString()));
    run(
        List.of(
            ld.toString(),
            "-static",
            "-Ttext=0x" + Long.toHexString(A64OracleTest.BASE),
            "-e",
            "_start",
            "-o",
            elf.toString(),
            o.toString()));
    String listing = run(List.of(objdump.toString(), "-d", "-j", ".text", elf.toString()));

    Map<Long, Integer> words = new HashMap<>();
    for (String line : listing.split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        words.put(Long.parseUnsignedLong(m.group(1), 16), (int) Long.parseLong(m.group(2), 16));
      }
    }
    assertEquals(probes.size(), words.size(), "instructions in the linked .text");
    List<String> problems = new ArrayList<>();
    for (Probe p : probes) {
      Integer gnu = words.get(p.pc());
      if (gnu == null || gnu != p.word()) {
        problems.add(
            String.format(
                "%s: encoder %08x, GNU as %s for `%s`",
                p, p.word(), gnu == null ? "nothing" : String.format("%08x", gnu), p.gnu()));
      }
    }
    if (!problems.isEmpty()) {
      fail(
          problems.size()
              + " of "
              + probes.size()
              + " probes disagree with GNU as:\n  "
              + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
    }
  }

  private static String run(List<String> command) {
    Tools.Result r = Tools.run(command, Duration.ofMinutes(1));
    if (r.exitCode() != 0 || !r.stderr().isBlank()) {
      throw new AssertionError(String.join(" ", command) + " failed: " + r.describe());
    }
    return r.stdout();
  }
}
