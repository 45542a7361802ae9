package dev.a64patch.core.patch;

import dev.a64patch.core.Names;
import dev.a64patch.core.encode.A64;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.elf.ElfFile;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks a parsed {@link Manifest} field by field against its own rules and the file that holds it,
 * then against its own checksum. The first violation becomes a {@link ManifestException} naming the
 * field and the values, so a tampered manifest never reaches restore as a null, a negative size or
 * an unknown name.
 */
final class ManifestCheck {
  private static final int EHDR_SIZE = 64;
  private static final List<String> REGISTERS =
      java.util.Arrays.stream(SysReg.values()).map(Enum::name).toList();
  private static final List<String> ISLAND_ROLES =
      java.util.Arrays.stream(Island.Role.values()).map(Island.Role::id).toList();

  private final ElfFile elf;
  private final Manifest m;

  private ManifestCheck(ElfFile elf, Manifest m) {
    this.elf = elf;
    this.m = m;
  }

  static void check(Manifest m, ElfFile elf) {
    new ManifestCheck(elf, m).run();
  }

  private void run() {
    require("tool", "a64patch".equals(m.tool()), "is " + quote(m.tool()) + ", not \"a64patch\"");
    require("version", m.version() != null, "is missing");
    options(m.options());
    require(
        "originalSha256",
        Sha256.isHex(m.originalSha256()),
        "is " + quote(m.originalSha256()) + ", not 64 lowercase hex digits");
    require(
        "manifestSha256",
        Sha256.isHex(m.manifestSha256()),
        "is " + quote(m.manifestSha256()) + ", not 64 lowercase hex digits");
    // Not bounded by the file: strip moves what a64patch appended, and a stripped file still
    // verifies (restore refuses it, see Restorer).
    require(
        "originalLength",
        m.originalLength() >= EHDR_SIZE && m.originalLength() <= Integer.MAX_VALUE,
        "is %d, outside [%d, %d]",
        m.originalLength(),
        EHDR_SIZE,
        Integer.MAX_VALUE);
    header(m.originalHeader());
    require("segments", m.segments() != null, "is missing");
    for (int i = 0; i < m.segments().size(); i++) {
      segment("segments[" + i + "]", m.segments().get(i));
    }
    require("dynamic", m.dynamic() != null, "is missing");
    for (int i = 0; i < m.dynamic().size(); i++) {
      DynamicEdit e = m.dynamic().get(i);
      require(
          "dynamic[" + i + "]",
          e != null && e.offset() >= 0 && e.offset() <= m.originalLength() - 8,
          "is missing or lies outside the original file");
    }
    require("sites", m.sites() != null, "is missing");
    words.clear();
    long previous = -1;
    for (int i = 0; i < m.sites().size(); i++) {
      Manifest.Site s = m.sites().get(i);
      String f = "sites[" + i + "]";
      require(f, s != null, "is null");
      require(
          f + ".offset",
          s.offset() > previous,
          "0x%x is not above the previous site's 0x%x (sites are sorted, each once)",
          s.offset(),
          previous);
      site(f, s);
      previous = s.offset();
    }
    String sha = Sha256.of(m.unsealed());
    require(
        "manifestSha256",
        sha.equals(m.manifestSha256()),
        "the manifest's content has sha256 "
            + sha
            + " but records "
            + m.manifestSha256()
            + ": it was changed after patching");
  }

  private void options(Manifest.Options o) {
    require("options", o != null, "is missing");
    spelled("options.strategy", o.strategy(), Strategy.class, Names::id);
    spelled("options.rndr", o.rndr(), RndrMode.class, Names::id);
    spelled("options.outOfRange", o.outOfRange(), OutOfRangePolicy.class, Names::id);
    require("options.registers", o.registers() != null, "is missing");
    for (int i = 0; i < o.registers().size(); i++) {
      register("options.registers[" + i + "]", o.registers().get(i));
    }
    require("options.step", o.step() > 0, "is " + o.step() + ", not positive");
    require(
        "options.frequency",
        o.frequency() > 0 && o.frequency() <= 0xFFFF_FFFFL,
        "is " + o.frequency() + ", not between 1 and 4294967295");
  }

  private void header(String hex) {
    require(
        "originalHeader",
        hex != null && hex.matches("[0-9a-f]{" + 2 * EHDR_SIZE + "}"),
        "is not " + 2 * EHDR_SIZE + " lowercase hex digits (the 64-byte ELF header)");
    byte[] h = HexFormat.of().parseHex(hex);
    byte[] now = new byte[16];
    elf.slice(0, 16).get(now);
    for (int i = 0; i < 16; i++) {
      require(
          "originalHeader",
          h[i] == now[i],
          "e_ident byte %d is 0x%02x but the file has 0x%02x",
          i,
          h[i] & 0xff,
          now[i] & 0xff);
    }
  }

  private void segment(String field, Layout.Segment s) {
    require(field, s != null, "is null");
    require(field + ".kind", s.kind() != null, "is missing");
    require(
        field + ".flags",
        s.flags() == s.kind().flags(),
        "is 0x%x, expected 0x%x for %s",
        s.flags(),
        s.kind().flags(),
        s.kind());
    require(
        field + ".offset",
        s.offset() >= m.originalLength() && s.offset() <= Integer.MAX_VALUE,
        "0x%x lies outside the appended part [0x%x, 0x%x]",
        s.offset(),
        m.originalLength(),
        Integer.MAX_VALUE);
    require(
        field + ".size",
        s.size() > 0 && s.size() <= Integer.MAX_VALUE,
        "0x%x is not a valid segment size",
        s.size());
    require(
        field + ".vaddr",
        s.vaddr() >= 0 && s.vaddr() <= Long.MAX_VALUE - s.size(),
        "0x%x is not a valid address",
        s.vaddr());
    require(field + ".sections", s.sections() != null, "is missing");
    for (int i = 0; i < s.sections().size(); i++) {
      Layout.Section c = s.sections().get(i);
      String f = field + ".sections[" + i + "]";
      require(f, c != null && c.what() != null, "is missing or names no section");
      require(
          f,
          c.size() >= 0
              && c.offset() >= s.offset()
              && c.size() <= s.size()
              && c.offset() - s.offset() <= s.size() - c.size()
              && c.vaddr() - s.vaddr() == c.offset() - s.offset(),
          "%s at offset 0x%x, address 0x%x, 0x%x bytes does not lie inside its segment",
          c.what(),
          c.offset(),
          c.vaddr(),
          c.size());
    }
  }

  private void site(String f, Manifest.Site s) {
    require(
        f + ".offset",
        s.offset() >= EHDR_SIZE && s.offset() % 4 == 0 && s.offset() <= m.originalLength() - 4,
        "0x%x is not a 4-byte aligned offset inside the original's [0x%x, 0x%x)",
        s.offset(),
        EHDR_SIZE,
        m.originalLength());
    register(f + ".register", s.register());
    require(f + ".rt", s.rt() >= 0 && s.rt() <= 31, "is %d, not 0 to 31", s.rt());
    int mrs = SysReg.valueOf(s.register()).mrs(s.rt());
    require(
        f + ".original",
        s.original() == mrs,
        "0x%08x is not mrs x%d, %s (0x%08x)",
        s.original(),
        s.rt(),
        s.register(),
        mrs);
    spelled(
        f + ".action", s.action(), SitePlan.Action.class, e -> e.name().toLowerCase(Locale.ROOT));
    boolean trampoline = s.siteAction() == SitePlan.Action.TRAMPOLINE;
    if (s.siteAction() == SitePlan.Action.SKIPPED) {
      require(
          f + ".patched",
          s.patched() == s.original(),
          "differs from the original word of a site left alone");
    } else {
      require(
          f + ".address",
          elf.offsetOf(s.address()).orElse(-1L) == s.offset(),
          "0x%x is not the address PT_LOAD maps to file offset 0x%x",
          s.address(),
          s.offset());
    }
    if (trampoline) {
      require(f + ".kind", s.kind() != null, "is missing for a trampoline");
      spelled(f + ".kind", s.kind(), Trampolines.Kind.class, Enum::name);
      Layout.Section t = m.section(NewSection.TRAMPOLINES).orElse(null);
      require(
          f + ".trampoline",
          t != null
              && s.trampoline() >= t.vaddr()
              && s.trampoline() - t.vaddr() < t.size()
              && s.trampoline() % 4 == 0,
          "0x%x lies outside the trampolines section",
          s.trampoline());
    } else {
      require(f + ".trampoline", s.trampoline() == -1, "is set for a site without trampoline");
      require(f + ".kind", s.kind() == null, "is set for a site without trampoline");
    }
    require(f + ".islands", s.islands() != null, "is missing");
    require(
        f + ".islands",
        trampoline || s.islands().isEmpty(),
        "are set for a site without trampoline");
    claim(f + ".offset", s.offset());
    for (int i = 0; i < s.islands().size(); i++) {
      island(f + ".islands[" + i + "]", s.islands().get(i));
    }
  }

  /** File offsets of the words sites and islands claim: each word belongs to one of them. */
  private final java.util.Map<Long, String> words = new java.util.HashMap<>();

  private void claim(String field, long offset) {
    String before = words.putIfAbsent(offset, field);
    require(
        field,
        before == null,
        "0x%x is also the word of %s (each word is patched once)",
        offset,
        before);
  }

  /**
   * An island lies in the original file where its address is mapped, replaced padding ({@code nop}
   * or zero words), and holds as many words as it replaced; verify re-encodes it.
   */
  private void island(String f, Manifest.Island i) {
    require(f, i != null, "is null");
    require(
        f + ".role",
        i.role() != null && ISLAND_ROLES.contains(i.role()),
        "is %s, not one of %s",
        quote(i.role()),
        ISLAND_ROLES);
    require(f + ".original", i.original() != null && !i.original().isEmpty(), "is missing");
    require(
        f + ".patched",
        i.patched() != null && i.patched().size() == i.original().size(),
        "does not have as many words as the original");
    require(
        f + ".offset",
        i.offset() >= EHDR_SIZE
            && i.offset() % 4 == 0
            && i.offset() <= m.originalLength() - 4L * i.original().size(),
        "0x%x is not a 4-byte aligned offset inside the original's [0x%x, 0x%x)",
        i.offset(),
        EHDR_SIZE,
        m.originalLength());
    require(
        f + ".address",
        elf.offsetOf(i.address()).orElse(-1L) == i.offset(),
        "0x%x is not the address PT_LOAD maps to file offset 0x%x",
        i.address(),
        i.offset());
    for (int w = 0; w < i.original().size(); w++) {
      int word = i.original().get(w);
      require(
          f + ".original[" + w + "]",
          word == A64.NOP || word == 0,
          "0x%08x is not padding (nop or zero)",
          word);
      claim(f + ".offset", i.offset() + 4L * w);
    }
    require(f + ".target", i.target() % 4 == 0, "0x%x is not 4-byte aligned", i.target());
  }

  /**
   * A site's action or trampoline kind: its external id ({@link dev.a64patch.core.Names}), or the
   * spelling format-3 manifests used before the one vocabulary ({@code legacy}: {@code in_place},
   * {@code SHARED_COUNTER}), so that files patched then still restore. Nothing else: not another
   * case, not spaces.
   */
  private <E extends Enum<E>> void spelled(
      String field, String value, Class<E> type, Function<E, String> legacy) {
    boolean known = false;
    for (E e : type.getEnumConstants()) {
      known |= Names.id(e).equals(value) || legacy.apply(e).equals(value);
    }
    if (!known) {
      List<String> ids = List.of(type.getEnumConstants()).stream().map(Names::id).toList();
      require(field, false, "is " + quote(value) + ", not one of " + ids);
    }
  }

  /** Registers are stored by their architectural names ({@code CNTVCT_EL0}). */
  private void register(String field, String value) {
    if (!REGISTERS.contains(value)) {
      require(field, false, "is " + quote(value) + ", not one of " + REGISTERS);
    }
  }

  private static String quote(String s) {
    return s == null ? "missing" : "\"" + s + "\"";
  }

  private void require(String field, boolean ok, String message) {
    if (!ok) {
      throw new ManifestException(elf.name(), field, message);
    }
  }

  /**
   * {@link #require}, with the message formatted only when the rule is broken: formatting every
   * message of every site cost more than checking them (docs/performance.md, "Ninth round").
   */
  private void require(String field, boolean ok, String format, Object... values) {
    if (!ok) {
      require(field, false, String.format(format, values));
    }
  }
}
