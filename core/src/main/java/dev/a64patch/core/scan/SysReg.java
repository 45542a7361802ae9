package dev.a64patch.core.scan;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The system registers whose EL0 reads a64patch looks for (docs/design.md section 3). Each read is
 * {@code MRS Xt, <reg>}: {@code 0xD5300000 | o0<<19 | op1<<16 | CRn<<12 | CRm<<8 | op2<<5 | Rt};
 * {@link #encoding()} is the word with Rt = 0, and {@code word & 0xFFFFFFE0} isolates the register.
 */
public enum SysReg {
  CNTVCT_EL0(0xD53BE040, Kind.COUNTER, "virtual counter"),
  CNTVCTSS_EL0(0xD53BE0C0, Kind.COUNTER, "self-synchronized virtual counter (FEAT_ECV)"),
  CNTPCT_EL0(0xD53BE020, Kind.COUNTER, "physical counter"),
  CNTPCTSS_EL0(0xD53BE0A0, Kind.COUNTER, "self-synchronized physical counter (FEAT_ECV)"),
  CNTFRQ_EL0(
      0xD53BE000, Kind.FREQUENCY, "counter frequency; constant, but traps under rr on Linux 6.12+"),
  RNDR(0xD53B2400, Kind.RANDOM, "random number (FEAT_RNG); sets NZCV"),
  RNDRRS(0xD53B2420, Kind.RANDOM, "reseeded random number (FEAT_RNG); sets NZCV"),
  PMCCNTR_EL0(0xD53B9D00, Kind.PMU, "PMU cycle counter; usually faults at EL0 on Linux");

  /** What a read yields, which decides whether and how it can be patched. */
  public enum Kind {
    COUNTER,
    FREQUENCY,
    RANDOM,
    PMU
  }

  public static final int REGISTER_MASK = 0xFFFFFFE0;

  private final int encoding;
  private final Kind kind;
  private final String description;

  SysReg(int encoding, Kind kind, String description) {
    this.encoding = encoding;
    this.kind = kind;
    this.description = description;
  }

  public int encoding() {
    return encoding;
  }

  public Kind kind() {
    return kind;
  }

  public String description() {
    return description;
  }

  /** The MRS word reading this register into {@code rt} (0..31, 31 = xzr). */
  public int mrs(int rt) {
    return encoding | (rt & 31);
  }

  /** The register a word reads, if it is an MRS of one of ours. */
  public static Optional<SysReg> of(int word) {
    int masked = word & REGISTER_MASK;
    for (SysReg r : values()) {
      if (r.encoding == masked) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Parses an architectural name, case-insensitively; {@code cntvct} is accepted for {@code
   * CNTVCT_EL0}.
   */
  public static Optional<SysReg> parse(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT);
    for (SysReg r : values()) {
      if (r.name().equals(n) || r.name().equals(n + "_EL0")) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * A comma-separated list as users write it: {@code all}, {@code counters}, or names such as
   * {@code CNTVCT_EL0} or {@code cntvct}; blank items are ignored, so the result may be empty.
   *
   * @throws IllegalArgumentException naming the unknown item and the accepted ones
   */
  public static Set<SysReg> parseList(String list) {
    Set<SysReg> out = EnumSet.noneOf(SysReg.class);
    for (String part : list.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.equalsIgnoreCase("all")) {
        out.addAll(all());
      } else if (p.equalsIgnoreCase("counters")) {
        out.addAll(counters());
      } else {
        out.add(
            parse(p)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "unknown register '"
                                + p
                                + "'; expected all, counters or one of "
                                + java.util.Arrays.stream(values())
                                    .map(Enum::name)
                                    .collect(java.util.stream.Collectors.joining(", ")))));
      }
    }
    return out;
  }

  /** Every register of the table: what {@code scan} reports by default. */
  public static Set<SysReg> all() {
    return EnumSet.allOf(SysReg.class);
  }

  /** The counters whose values differ run to run: what {@code patch} rewrites by default. */
  public static Set<SysReg> counters() {
    return EnumSet.of(CNTVCT_EL0, CNTVCTSS_EL0, CNTPCT_EL0, CNTPCTSS_EL0);
  }

  /** Register name as used in disassembly ({@code x0}..{@code x30}, {@code xzr}). */
  public static String rtName(int rt) {
    return rt == 31 ? "xzr" : "x" + rt;
  }
}
