package dev.a64patch.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The independent oracle: what GNU objdump's disassembly shows. A site is either an {@code mrs} of
 * a register of interest (code), or a {@code .word} in a {@code $d} region holding such an encoding
 * (data, which objdump prints as data when mapping symbols say so).
 */
public final class Objdump {
  private Objdump() {}

  public record Site(String section, long address, String register, String rt, boolean data) {}

  /** objdump spells the registers Capstone/binutils know by name, the newer ones generically. */
  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("cntvct_el0", "CNTVCT_EL0"),
          Map.entry("cntvctss_el0", "CNTVCTSS_EL0"),
          Map.entry("s3_3_c14_c0_6", "CNTVCTSS_EL0"),
          Map.entry("cntpct_el0", "CNTPCT_EL0"),
          Map.entry("cntpctss_el0", "CNTPCTSS_EL0"),
          Map.entry("s3_3_c14_c0_5", "CNTPCTSS_EL0"),
          Map.entry("cntfrq_el0", "CNTFRQ_EL0"),
          Map.entry("rndr", "RNDR"),
          Map.entry("s3_3_c2_c4_0", "RNDR"),
          Map.entry("rndrrs", "RNDRRS"),
          Map.entry("s3_3_c2_c4_1", "RNDRRS"),
          Map.entry("pmccntr_el0", "PMCCNTR_EL0"));

  /**
   * Register encodings (Rt=0) per docs/design.md section 3, to recognise data words objdump prints
   * as .word.
   */
  private static final Map<Integer, String> DATA_WORDS =
      Map.of(
          0xD53BE040,
          "CNTVCT_EL0",
          0xD53BE0C0,
          "CNTVCTSS_EL0",
          0xD53BE020,
          "CNTPCT_EL0",
          0xD53BE0A0,
          "CNTPCTSS_EL0",
          0xD53BE000,
          "CNTFRQ_EL0",
          0xD53B2400,
          "RNDR",
          0xD53B2420,
          "RNDRRS",
          0xD53B9D00,
          "PMCCNTR_EL0");

  private static final Pattern LINE =
      Pattern.compile("^\\s*([0-9a-f]+):\\s+([0-9a-f]{8})\\s+(\\S+)\\s*(.*)$");
  private static final Pattern SECTION = Pattern.compile("^Disassembly of section (\\S+):$");
  private static final Pattern MRS = Pattern.compile("^(x\\d+|xzr),\\s*(\\S+)");

  public static List<Site> sites(Path file) {
    Path objdump = Tools.require("aarch64-linux-gnu-objdump");
    Tools.Result r =
        Tools.run(List.of(objdump.toString(), "-d", file.toString()), Duration.ofMinutes(5));
    if (r.exitCode() != 0) {
      throw new AssertionError("objdump failed on " + file + ": " + r.describe());
    }
    return parse(r.stdout());
  }

  static List<Site> parse(String disassembly) {
    List<Site> out = new ArrayList<>();
    String section = "";
    for (String line : disassembly.split("\n")) {
      Matcher sm = SECTION.matcher(line);
      if (sm.matches()) {
        section = sm.group(1);
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      long address = Long.parseUnsignedLong(m.group(1), 16);
      String mnemonic = m.group(3);
      String operands = m.group(4).replaceAll("\\s*//.*$", "").trim().toLowerCase(Locale.ROOT);
      if (mnemonic.equals("mrs")) {
        Matcher o = MRS.matcher(operands);
        if (o.find() && NAMES.containsKey(o.group(2))) {
          out.add(new Site(section, address, NAMES.get(o.group(2)), o.group(1), false));
        }
      } else if (mnemonic.equals(".word") || mnemonic.equals(".inst")) {
        int word = (int) Long.parseLong(m.group(2), 16);
        String reg = DATA_WORDS.get(word & 0xFFFFFFE0);
        if (reg != null) {
          int rt = word & 31;
          out.add(
              new Site(
                  section, address, reg, rt == 31 ? "xzr" : "x" + rt, mnemonic.equals(".word")));
        }
      }
    }
    return out;
  }
}
