package dev.a64patch.core.patch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.a64patch.core.Version;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What restore and verify need, stored in the patched file itself as the non-allocated section
 * {@value Planner#MANIFEST_SECTION} (so {@code strip} keeps it): the original ELF header and
 * length, every site's original and new word, each trampoline's address and kind, the layout and
 * the options, the SHA-256 of the original file and of the manifest itself. JSON, so that {@code
 * objdump -s} shows it to a person. {@link #read} trusts nothing in it: every field is checked
 * ({@link ManifestCheck}) before restore or verify uses it.
 */
public record Manifest(
    int format,
    String tool,
    String version,
    Options options,
    long originalLength,
    String originalHeader,
    List<Layout.Segment> segments,
    List<DynamicEdit> dynamic,
    List<Site> sites,
    String names,
    String originalSha256,
    String manifestSha256) {

  /**
   * 3: adds the checksums of the original file and of the manifest itself; 4: adds each site's
   * islands. Format 3 is still read: its sites have no islands, and a site without islands is
   * written without the key, so a format 3 manifest keeps its checksum.
   */
  public static final int FORMAT = 4;

  private static final Set<Long> READABLE = Set.of(3L, (long) FORMAT);

  public Manifest {
    // Null stays null so that validation, not the constructor, names a missing list.
    segments = segments == null ? null : Collections.unmodifiableList(new ArrayList<>(segments));
    sites = sites == null ? null : Collections.unmodifiableList(new ArrayList<>(sites));
    dynamic = dynamic == null ? null : Collections.unmodifiableList(new ArrayList<>(dynamic));
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

  /**
   * One site as patched; {@code trampoline} is -1 unless {@code action} is {@code trampoline}.
   * {@code unwind} says where its trampoline's unwind rules come from ({@code site} or {@code
   * assumed}, see {@link dev.a64patch.core.cfi.UnwindTables.Source}); null when it has none.
   *
   * <p>{@code action} and {@code kind} hold the spelling the file holds (the manifest's checksum
   * covers it): the external ids ({@code in-place}, {@code shared-counter}) since the one
   * vocabulary, {@code in_place} and {@code SHARED_COUNTER} in format-3 manifests written before.
   * Code reads them through {@link #siteAction()} and {@link #trampolineKind()}, which take both.
   */
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
      String reason,
      String unwind,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Island> islands) {
    public Site {
      islands = islands == null ? null : Collections.unmodifiableList(new ArrayList<>(islands));
    }

    /** The recorded action; the manifest was checked ({@link ManifestCheck}) to spell one. */
    public SitePlan.Action siteAction() {
      return SitePlan.Action.parse(action);
    }

    /** The recorded trampoline kind, or null for a site without a trampoline. */
    public Trampolines.Kind trampolineKind() {
      return kind == null ? null : Trampolines.Kind.parse(kind);
    }
  }

  /**
   * One island of a site ({@link dev.a64patch.core.patch.Island}): {@code original} and {@code
   * patched} are the words at {@code offset} before and after patching, {@code target} where it
   * branches.
   */
  public record Island(
      String role,
      long offset,
      long address,
      List<Integer> original,
      List<Integer> patched,
      long target) {
    public Island {
      original = original == null ? null : List.copyOf(original);
      patched = patched == null ? null : List.copyOf(patched);
    }

    static Island of(dev.a64patch.core.patch.Island i) {
      return new Island(
          i.role().id(),
          i.offset(),
          i.address(),
          i.original(),
          i.code().stream().map(dev.a64patch.core.encode.Insn::word).toList(),
          i.target());
    }
  }

  /**
   * The manifest of {@code plan} applied to the original whose SHA-256 is {@code originalSha256}:
   * the fingerprint by which restore proves that it gives the original back.
   *
   * @param names why the trampolines have no symbols, or null when they have
   */
  static Manifest of(PatchPlan plan, String originalSha256, byte[] originalHeader, String names) {
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
                        s.action().id(),
                        s.trampoline(),
                        s.kind() == null ? null : s.kind().id(),
                        s.reason().isEmpty() ? null : s.reason(),
                        unwindSource(plan, s),
                        s.islands().stream().map(Island::of).toList()))
            .toList();
    return new Manifest(
            FORMAT,
            "a64patch",
            Version.get(),
            options,
            plan.layout().originalLength(),
            HexFormat.of().formatHex(originalHeader),
            plan.layout().segments(),
            plan.dynamic(),
            sites,
            names,
            originalSha256,
            null)
        .sealed();
  }

  /** This manifest with {@code manifestSha256} set to the digest of its other fields. */
  Manifest sealed() {
    return withManifestSha256(Sha256.of(unsealed()));
  }

  private Manifest withManifestSha256(String sha) {
    return new Manifest(
        format,
        tool,
        version,
        options,
        originalLength,
        originalHeader,
        segments,
        dynamic,
        sites,
        names,
        originalSha256,
        sha);
  }

  /** The canonical bytes the manifest's own checksum covers: compact JSON without that field. */
  byte[] unsealed() {
    return ManifestJson.compact(withManifestSha256(null));
  }

  private static String unwindSource(PatchPlan plan, SitePlan s) {
    if (plan.unwind() == null || s.action() != SitePlan.Action.TRAMPOLINE) {
      return null;
    }
    return plan.unwind().forSite(s.finding().address()).map(d -> d.source().id()).orElse(null);
  }

  public byte[] originalHeaderBytes() {
    return HexFormat.of().parseHex(originalHeader);
  }

  byte[] toBytes() {
    // Every field is written, nulls too: a missing key is then always damage.
    return ManifestJson.pretty(this);
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

  /**
   * The manifest of a patched file, or empty when the file was not patched by a64patch.
   *
   * @throws ManifestException when the manifest is damaged, inconsistent with the file or does not
   *     match its checksum
   */
  public static Optional<Manifest> read(ElfFile elf) {
    Optional<ElfSection> section = section(elf);
    if (section.isEmpty()) {
      return Optional.empty();
    }
    ElfSection s = section.get();
    if (s.offset() < 0 || s.size() < 0 || s.size() > elf.size() - s.offset()) {
      throw new ManifestException(
          elf.name(),
          "",
          String.format(
              "section %s at offset 0x%x, 0x%x bytes, lies outside the file of 0x%x bytes",
              Planner.MANIFEST_SECTION, s.offset(), s.size(), elf.size()));
    }
    ByteBuffer b = elf.slice(s.offset(), s.size());
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    Manifest m = parse(bytes, elf.name());
    ManifestCheck.check(m, elf);
    return Optional.of(m);
  }

  static Manifest parse(byte[] bytes, String file) {
    Object tree;
    try {
      tree = ManifestJson.parse(bytes);
    } catch (ManifestJson.Invalid e) {
      throw new ManifestException(file, e.path, e.getMessage());
    }
    if (!(tree instanceof Map<?, ?> fields)) {
      throw new ManifestException(file, "", "is not a JSON object");
    }
    if (!(fields.get("format") instanceof Long format) || format != format.intValue()) {
      throw new ManifestException(file, "format", "missing or not an integer");
    }
    if (!READABLE.contains(format)) {
      throw new ManifestException(
          file,
          "format",
          "format "
              + format
              + " is not understood by this a64patch ("
              + Version.get()
              + ", format "
              + FORMAT
              + "); use the version that patched it");
    }
    // Unknown keys first: a misspelled key is named as it is spelled, not as the one it hides.
    Set<String> known =
        Arrays.stream(Manifest.class.getRecordComponents())
            .map(RecordComponent::getName)
            .collect(Collectors.toSet());
    for (Object name : fields.keySet()) {
      if (!known.contains(name)) {
        throw new ManifestException(
            file, (String) name, "unknown field (misspelled or added after patching)");
      }
    }
    try {
      return ManifestJson.bind(tree, Manifest.class);
    } catch (ManifestJson.Invalid e) {
      throw new ManifestException(file, e.path, e.getMessage());
    }
  }
}
