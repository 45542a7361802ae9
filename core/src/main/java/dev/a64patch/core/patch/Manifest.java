package dev.a64patch.core.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.core.Version;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What restore and verify need, stored in the patched file itself as the non-allocated section
 * {@value Planner#MANIFEST_SECTION} (so {@code strip} keeps it): the original ELF header and
 * length, every site's original and new word, each trampoline's address and kind, the layout and
 * the options. JSON, so that {@code objdump -s} shows it to a person.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
    int format,
    String tool,
    String version,
    Options options,
    long originalLength,
    String originalHeader,
    List<Layout.Segment> segments,
    List<Site> sites) {

  public static final int FORMAT = 2;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public Manifest {
    segments = segments == null ? List.of() : List.copyOf(segments);
    sites = List.copyOf(sites);
  }

  /** Where the placed section is, if the patch added it. */
  public java.util.Optional<Layout.Section> section(NewSection what) {
    return Layout.find(segments, what);
  }

  /** The options that shape trampolines, as recorded. */
  public record Options(
      String strategy,
      long step,
      long frequency,
      String rndr,
      boolean includeUncertain,
      String outOfRange,
      List<String> registers) {
    public static Options of(PatchOptions o) {
      return new Options(
          o.strategy().id(),
          o.step(),
          o.frequency(),
          o.rndr().id(),
          o.includeUncertain(),
          o.outOfRange().id(),
          o.registers().stream().map(Enum::name).sorted().toList());
    }

    /** The options back in their working form. */
    public PatchOptions toPatchOptions(long maxPadding) {
      return new PatchOptions(
          Strategy.parse(strategy),
          registers.stream()
              .map(dev.a64patch.core.scan.SysReg::valueOf)
              .collect(java.util.stream.Collectors.toSet()),
          step,
          frequency,
          includeUncertain,
          OutOfRangePolicy.parse(outOfRange),
          RndrMode.parse(rndr),
          maxPadding);
    }
  }

  /** One site as patched; {@code trampoline} is -1 unless {@code action} is {@code trampoline}. */
  public record Site(
      long offset,
      long address,
      String register,
      int rt,
      int original,
      int patched,
      String action,
      long trampoline,
      String kind,
      String reason) {}

  static Manifest of(PatchPlan plan, byte[] originalHeader) {
    Options options = Options.of(plan.options());
    List<Site> sites =
        plan.sites().stream()
            .map(
                s ->
                    new Site(
                        s.finding().offset(),
                        s.finding().address(),
                        s.finding().register().name(),
                        s.finding().rt(),
                        s.finding().word(),
                        s.newWord(),
                        s.action().name().toLowerCase(java.util.Locale.ROOT),
                        s.trampoline(),
                        s.kind() == null ? null : s.kind().name(),
                        s.reason().isEmpty() ? null : s.reason()))
            .toList();
    return new Manifest(
        FORMAT,
        "a64patch",
        Version.get(),
        options,
        plan.layout().originalLength(),
        HexFormat.of().formatHex(originalHeader),
        plan.layout().segments(),
        sites);
  }

  public byte[] originalHeaderBytes() {
    return HexFormat.of().parseHex(originalHeader);
  }

  byte[] toBytes() {
    try {
      return JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(this)
          .getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The section holding the manifest: the one place that answers "was this file patched by
   * a64patch?".
   */
  static Optional<ElfSection> section(ElfFile elf) {
    return elf.section(Planner.MANIFEST_SECTION);
  }

  /** True when the file carries a manifest (whether or not it is readable). */
  public static boolean isPatched(ElfFile elf) {
    return section(elf).isPresent();
  }

  /** The manifest of a patched file, or empty when the file was not patched by a64patch. */
  public static Optional<Manifest> read(ElfFile elf) {
    Optional<ElfSection> section = section(elf);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ElfSection s = section.get();
    ByteBuffer b = elf.slice(s.offset(), s.size());
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    try {
      Manifest m = JSON.readValue(bytes, Manifest.class);
      if (m.format() != FORMAT) {
        throw new PatchException(
            elf.name(),
            "manifest format "
                + m.format()
                + " is not understood by this"
                + " a64patch ("
                + Version.get()
                + "); use the version that patched it ("
                + m.version()
                + ")");
      }
      return Optional.of(m);
    } catch (IOException e) {
      throw new PatchException(
          elf.name(),
          "section "
              + Planner.MANIFEST_SECTION
              + " is damaged: "
              + e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
