package dev.a64patch.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.Version;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.Uncertainty;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The SARIF 2.1.0 form of a {@link ScanReport}, for SARIF viewers and code-scanning uploads: one
 * run, one rule per register, one result per finding. Binaries have no lines, so a result is
 * located by byte ({@code region.byteOffset/byteLength}), by virtual address ({@code
 * physicalLocation.address}) and by function ({@code logicalLocations}). Files that were skipped or
 * could not be scanned become tool execution notifications. Documented in docs/batch-scan.md.
 */
public final class SarifReport {
  public static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

  /**
   * The base that relative artifact URIs are resolved against, named as code-scanning tools name
   * it.
   */
  public static final String SRCROOT = "%SRCROOT%";

  /**
   * @param sourceRoot directory that relative paths were relative to (recorded as {@code
   *     %SRCROOT%}), or null
   * @param startLine give {@code region.startLine = 1}: GitHub code scanning requires a start line
   *     before it shows a result, and a binary has none. SARIF forbids text and byte properties
   *     describing different bytes in one region, so the byte region is then left out (the file
   *     offset stays in {@code properties.offset} and the address in {@code address}), and a result
   *     in an archive entry is located at the archive on disk (the message and {@code
   *     properties.path} name the entry), since the repository has no file for the entry.
   */
  public record Options(Path sourceRoot, boolean startLine) {
    public static final Options DEFAULT = new Options(null, false);
  }

  private SarifReport() {}

  public static void write(ScanReport report, Writer out, Options options) throws IOException {
    JsonOutput.object(out, g -> run(g, report, options));
  }

  private static void run(JsonGenerator g, ScanReport report, Options options) throws IOException {
    {
      g.writeStringField("$schema", SCHEMA);
      g.writeStringField("version", "2.1.0");
      g.writeArrayFieldStart("runs");
      g.writeStartObject();
      writeTool(g);
      if (options.sourceRoot() != null) {
        g.writeObjectFieldStart("originalUriBaseIds");
        g.writeObjectFieldStart(SRCROOT);
        g.writeStringField(
            "uri", options.sourceRoot().toAbsolutePath().normalize().toUri().toString());
        g.writeEndObject();
        g.writeEndObject();
      }
      Map<String, Integer> artifacts = writeArtifacts(g, report);
      writeResults(g, report, artifacts, options);
      writeInvocation(g, report);
      g.writeObjectFieldStart("properties");
      JsonReport.writeSummary(g, report);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
    }
  }

  private static void writeTool(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("tool");
    g.writeObjectFieldStart("driver");
    g.writeStringField("name", "a64patch");
    g.writeStringField("version", Version.get());
    g.writeArrayFieldStart("rules");
    for (SysReg r : SysReg.values()) {
      g.writeStartObject();
      g.writeStringField("id", r.name());
      g.writeStringField("name", ruleName(r));
      text(g, "shortDescription", "Reads " + r.name() + " (" + r.description() + ")");
      text(
          g,
          "fullDescription",
          "An MRS instruction reads "
              + r.name()
              + ", the "
              + r.description()
              + ". "
              + consequence(r));
      // GitHub code scanning requires 'help' on every rule (SARIF multitool rule GH2012).
      g.writeObjectFieldStart("help");
      g.writeStringField("text", help(r));
      g.writeStringField("markdown", "**" + r.name() + "**: " + help(r).replace("'", "`"));
      g.writeEndObject();
      g.writeObjectFieldStart("defaultConfiguration");
      g.writeStringField("level", "warning");
      g.writeEndObject();
      g.writeObjectFieldStart("properties");
      g.writeArrayFieldStart("tags");
      for (String tag :
          List.of(
              "rr", "determinism", "aarch64", r.kind().name().toLowerCase(java.util.Locale.ROOT))) {
        g.writeString(tag);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndObject();
  }

  /** "ReadsCntvctEl0": SARIF wants rule names that read as identifiers. */
  private static String ruleName(SysReg r) {
    StringBuilder b = new StringBuilder("Reads");
    for (String part : r.name().split("_")) {
      b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }

  private static String consequence(SysReg r) {
    return switch (r.kind()) {
      case COUNTER ->
          "Its value differs run to run: rr cannot replay it on Linux before 6.12 and traps every "
              + "read on 6.12 and later. 'a64patch patch' rewrites it to a deterministic trampoline.";
      case FREQUENCY ->
          "The value is constant per machine, but every read traps under rr on Linux 6.12 and later.";
      case RANDOM ->
          "Its value is random and Linux cannot trap it, so rr cannot record it; patched only on request.";
      case PMU -> "Usually faults at EL0 on Linux; reported so that it is not overlooked.";
    };
  }

  private static String help(SysReg r) {
    String what =
        switch (r.kind()) {
          case COUNTER -> "Patch the file before 'rr record': 'a64patch patch FILE'.";
          case FREQUENCY, PMU ->
              "Reported so that the reads are known; 'a64patch patch' leaves them alone by default.";
          case RANDOM -> "'a64patch patch' leaves these reads alone unless asked to rewrite them.";
        };
    return "The instruction 'mrs Xt, "
        + r.name().toLowerCase(java.util.Locale.ROOT)
        + "' reads the "
        + r.description()
        + ". "
        + consequence(r)
        + " "
        + what;
  }

  /**
   * Every artifact a result points at, and the archives holding them (by parentIndex), sorted by
   * path.
   */
  private static Map<String, Integer> writeArtifacts(JsonGenerator g, ScanReport report)
      throws IOException {
    TreeSet<String> paths = new TreeSet<>();
    for (ScanResult r : report.results()) {
      for (String p = r.findings().isEmpty() ? null : r.file();
          p != null;
          p = report.entry(p).map(ArchiveEntry::archive).orElse(null)) {
        paths.add(p);
      }
    }
    Map<String, Integer> index = new HashMap<>();
    for (String p : paths) {
      index.put(p, index.size());
    }
    g.writeArrayFieldStart("artifacts");
    for (String p : paths) {
      g.writeStartObject();
      g.writeObjectFieldStart("location");
      writeUri(g, p, report);
      g.writeEndObject();
      var parent = report.entry(p);
      if (parent.isPresent()) {
        g.writeNumberField("parentIndex", index.get(parent.get().archive()));
      }
      g.writeArrayFieldStart("roles");
      g.writeString("analysisTarget");
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
    return index;
  }

  private static void writeUri(JsonGenerator g, String path, ScanReport report) throws IOException {
    g.writeStringField("uri", Uris.of(path, report));
    if (Uris.isRelative(path, report)) {
      g.writeStringField("uriBaseId", SRCROOT);
    }
  }

  private static void writeResults(
      JsonGenerator g, ScanReport report, Map<String, Integer> artifacts, Options options)
      throws IOException {
    g.writeArrayFieldStart("results");
    for (ScanResult r : report.results()) {
      Map<String, Integer> ordinals = new HashMap<>();
      for (Finding f : r.findings()) {
        String stable =
            f.register()
                + "|"
                + (f.symbol() == null
                    ? f.section() + "@" + JsonReport.hex(f.address())
                    : f.symbol().name());
        writeResult(
            g,
            report,
            r.file(),
            f,
            artifacts,
            options,
            fingerprint(stable + "|" + ordinals.merge(stable, 1, Integer::sum)));
      }
    }
    g.writeEndArray();
  }

  private static void writeResult(
      JsonGenerator g,
      ScanReport report,
      String file,
      Finding f,
      Map<String, Integer> artifacts,
      Options options,
      String fingerprint)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("ruleId", f.register().name());
    g.writeNumberField("ruleIndex", f.register().ordinal());
    g.writeStringField("level", f.confidence() == Confidence.HIGH ? "warning" : "note");
    String where =
        f.symbol() == null
            ? "outside any function, in " + f.section()
            : "in " + f.symbol().display();
    String doubt =
        f.confidence() == Confidence.HIGH
            ? ""
            : " (uncertain: "
                + f.reasons().stream()
                    .map(Uncertainty::description)
                    .collect(Collectors.joining("; "))
                + ")";
    // Line-anchored results (GitHub) must name a file the repository has: an entry's outermost
    // archive.
    String located = options.startLine() ? onDisk(file, report) : file;
    String inEntry =
        located.equals(file) ? "" : report.entry(file).map(ArchiveEntry::entry).orElse(file) + ": ";
    text(
        g,
        "message",
        String.format(
            "%smrs %s, %s at 0x%x %s reads the %s%s",
            inEntry,
            f.rtName(),
            f.register().name().toLowerCase(java.util.Locale.ROOT),
            f.address(),
            where,
            f.register().description(),
            doubt));
    g.writeArrayFieldStart("locations");
    g.writeStartObject();
    g.writeObjectFieldStart("physicalLocation");
    g.writeObjectFieldStart("artifactLocation");
    writeUri(g, located, report);
    g.writeNumberField("index", artifacts.get(located));
    g.writeEndObject();
    g.writeObjectFieldStart("region");
    if (options.startLine()) {
      g.writeNumberField("startLine", 1);
    } else {
      g.writeNumberField("byteOffset", f.offset());
      g.writeNumberField("byteLength", 4);
    }
    g.writeEndObject();
    g.writeObjectFieldStart("address");
    g.writeNumberField("absoluteAddress", f.address());
    g.writeStringField("kind", "instruction");
    g.writeStringField("name", f.symbol() == null ? f.section() : f.symbol().display());
    g.writeEndObject();
    g.writeEndObject();
    if (f.symbol() != null) {
      g.writeArrayFieldStart("logicalLocations");
      g.writeStartObject();
      g.writeStringField("name", f.symbol().demangled());
      g.writeStringField("fullyQualifiedName", f.symbol().demangled());
      if (!f.symbol().name().equals(f.symbol().demangled())) {
        g.writeStringField("decoratedName", f.symbol().name());
      }
      g.writeStringField("kind", "function");
      g.writeEndObject();
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndArray();
    g.writeObjectFieldStart("partialFingerprints");
    g.writeStringField("a64patchRead/v1", fingerprint);
    g.writeEndObject();
    g.writeObjectFieldStart("properties");
    g.writeStringField("path", file);
    g.writeStringField("rt", f.rtName());
    g.writeStringField("section", f.section());
    g.writeStringField("address", JsonReport.hex(f.address()));
    g.writeStringField("offset", JsonReport.hex(f.offset()));
    g.writeStringField("word", String.format("0x%08x", f.word()));
    g.writeStringField("confidence", f.confidence().label());
    g.writeArrayFieldStart("reasons");
    for (Uncertainty u : f.reasons()) {
      g.writeString(u.id());
    }
    g.writeEndArray();
    JsonReport.writeEvidence(g, f.evidence());
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The file on disk that holds {@code path}: itself, or the outermost archive around an entry. */
  private static String onDisk(String path, ScanReport report) {
    String p = path;
    for (var e = report.entry(p); e.isPresent(); e = report.entry(p)) {
      p = e.get().archive();
    }
    return p;
  }

  private static void writeInvocation(JsonGenerator g, ScanReport report) throws IOException {
    g.writeArrayFieldStart("invocations");
    g.writeStartObject();
    g.writeBooleanField("executionSuccessful", report.errors().isEmpty());
    g.writeArrayFieldStart("toolExecutionNotifications");
    for (FileProblem p : report.problems()) {
      g.writeStartObject();
      g.writeStringField("level", p.kind() == FailureKind.SKIPPED ? "note" : "error");
      text(g, "message", p.message());
      g.writeArrayFieldStart("locations");
      g.writeStartObject();
      g.writeObjectFieldStart("physicalLocation");
      g.writeObjectFieldStart("artifactLocation");
      writeUri(g, p.path(), report);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("properties");
      g.writeStringField("kind", p.kind().id());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    g.writeEndArray();
  }

  private static void text(JsonGenerator g, String field, String text) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeStringField("text", text);
    g.writeEndObject();
  }

  /**
   * Identifies a read across rebuilds: register, function and which read of it in that function
   * (not the address).
   */
  private static String fingerprint(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every Java platform has SHA-256
    }
  }
}
