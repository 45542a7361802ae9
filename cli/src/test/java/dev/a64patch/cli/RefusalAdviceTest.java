package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.testing.BigBss;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every piece of advice {@code patch} prints after a refusal leads to a run that succeeds: each
 * test provokes a refusal, reads the advice from the one line on stderr as a user would, and runs
 * again with every choice it offers (all the settings it names together), which must patch the file
 * and verify.
 */
class RefusalAdviceTest {
  @TempDir static Path dir;
  static BigBss.Files3 fixtures;

  /** "; choose --out-of-range skip, zero or nop", " and allow it with --max-padding 123". */
  private static final Pattern ADVICE =
      Pattern.compile(
          "(?:; | and )(?:choose|allow it with) (--[a-z-]+) ([\\w.-]+(?:, [\\w.-]+)*(?: or [\\w.-]+)?)");

  @BeforeAll
  static void build() throws Exception {
    fixtures = BigBss.build(Files.createDirectories(dir.resolve("fixtures")));
  }

  @Test
  void outOfRangeAdvice() throws Exception {
    // Today every read in the PIE's .text is out of reach; once islands reach them the default
    // run succeeds outright, which satisfies the rule too.
    Map<String, List<String>> advice = refusedOrPatched(fixtures.pie(), List.of());
    if (!advice.isEmpty()) {
      assertEquals(List.of("skip", "zero", "nop"), advice.get("--out-of-range"), advice.toString());
    }
    followEach(fixtures.pie(), List.of(), advice);
  }

  @Test
  void maxPaddingAdvice() throws Exception {
    List<String> base = List.of("--max-padding", "0", "--out-of-range", "zero");
    Map<String, List<String>> advice = refused(fixtures.pie(), base);
    assertEquals(List.of("--max-padding"), List.copyOf(advice.keySet()), advice.toString());
    long needed = Long.parseLong(advice.get("--max-padding").get(0));
    assertTrue(needed >= BigBss.MIN_BSS, "padding " + needed);
    followEach(fixtures.pie(), base, advice);
  }

  /**
   * Bug: raising --max-padding as advised ended in a second refusal, because every read was then
   * out of range; a refusal now names every setting the run needs.
   */
  @Test
  void adviceAfterPaddingRefusalLeadsToSuccessNotToTheNextRefusal() throws Exception {
    List<String> base = List.of("--max-padding", "0");
    Map<String, List<String>> advice = refused(fixtures.pie(), base);
    assertTrue(advice.containsKey("--max-padding"), advice.toString());
    followEach(fixtures.pie(), base, advice);
  }

  @Test
  void maxPaddingAdviceForAnOrdinaryPie() throws Exception {
    Path pie = TestData.bin("counters-gcc-pie");
    List<String> base = List.of("--max-padding", "0");
    Map<String, List<String>> advice = refused(pie, base);
    assertEquals(List.of("--max-padding"), List.copyOf(advice.keySet()), advice.toString());
    followEach(pie, base, advice);
  }

  /** The advice of a refused run, or none when the run patched the file (which must verify). */
  private static Map<String, List<String>> refusedOrPatched(Path file, List<String> options)
      throws Exception {
    Path out = dir.resolve("direct-" + file.getFileName());
    List<String> args = new ArrayList<>(List.of("patch"));
    args.addAll(options);
    args.addAll(List.of("-o", out.toString(), file.toString()));
    CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
    if (r.exitCode() == 0) {
      CliRunner.Run v = CliRunner.run("verify", out.toString());
      assertEquals(0, v.exitCode(), v.out() + v.err());
      return Map.of();
    }
    return refused(file, options);
  }

  /** Runs patch expecting a refusal (exit 6, one line, nothing written); returns its advice. */
  private static Map<String, List<String>> refused(Path file, List<String> options)
      throws Exception {
    Path out = dir.resolve("refused-" + file.getFileName());
    List<String> args = new ArrayList<>(List.of("patch"));
    args.addAll(options);
    args.addAll(List.of("-o", out.toString(), file.toString()));
    CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
    assertEquals(ExitCode.REFUSED.code(), r.exitCode(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertFalse(Files.exists(out));
    Map<String, List<String>> advice = new LinkedHashMap<>();
    Matcher m = ADVICE.matcher(r.err().strip());
    while (m.find()) {
      advice.put(m.group(1), List.of(m.group(2).split(", | or ")));
    }
    assertFalse(advice.isEmpty(), "no advice in: " + r.err());
    return advice;
  }

  /**
   * Runs patch with each combination of the advised values (nothing when there is no advice); each
   * must succeed and verify.
   */
  private static void followEach(Path file, List<String> base, Map<String, List<String>> advice)
      throws Exception {
    if (advice.isEmpty()) {
      return;
    }
    for (Map<String, String> choice : combinations(new ArrayList<>(advice.entrySet()), 0)) {
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 0; i < base.size(); i += 2) {
        options.put(base.get(i), base.get(i + 1));
      }
      options.putAll(choice);
      Path out = dir.resolve("followed-" + file.getFileName() + "-" + choice.hashCode());
      Files.deleteIfExists(out);
      List<String> args = new ArrayList<>(List.of("patch"));
      options.forEach((k, v) -> args.addAll(List.of(k, v)));
      args.addAll(List.of("-o", out.toString(), file.toString()));
      CliRunner.Run r = CliRunner.run(args.toArray(String[]::new));
      assertEquals(0, r.exitCode(), args + "\n" + r.err());
      // Reads skipped on purpose are reported by verify; allowed, the file verifies.
      CliRunner.Run v = CliRunner.run("verify", "--allow-unpatched", out.toString());
      assertEquals(0, v.exitCode(), args + "\n" + v.out() + v.err());
      Files.delete(out);
    }
  }

  private static List<Map<String, String>> combinations(
      List<Map.Entry<String, List<String>>> advice, int from) {
    List<Map<String, String>> out = new ArrayList<>();
    if (from == advice.size()) {
      out.add(new LinkedHashMap<>());
      return out;
    }
    for (Map<String, String> rest : combinations(advice, from + 1)) {
      for (String value : advice.get(from).getValue()) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(advice.get(from).getKey(), value);
        c.putAll(rest);
        out.add(c);
      }
    }
    return out;
  }
}
