package dev.a64patch.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Evidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.Uncertainty;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * The JSON form of a {@link ScanReport}, schema version 1 (documented in docs/json-schema.md).
 * Addresses and offsets are hex strings ("0x2430") so no consumer loses precision on 64-bit values.
 * Batch scans added fields without changing or removing any (archive/entry of files inside
 * archives, the totals of the summary), so the schema number stays 1: consumers ignore fields they
 * do not know.
 */
public final class JsonReport {
  public static final int SCHEMA = 1;

  private JsonReport() {}

  public static void write(ScanReport report, Writer out) throws IOException {
    JsonOutput.document(out, g -> fields(g, report));
  }

  private static void fields(JsonGenerator g, ScanReport report) throws IOException {
    {
      g.writeArrayFieldStart("files");
      for (ScanResult r : report.results()) {
        writeFile(g, r, report);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("problems");
      for (FileProblem p : report.problems()) {
        g.writeStartObject();
        g.writeStringField("path", p.path());
        writeArchiveEntry(g, report, p.path());
        g.writeStringField("kind", p.kind().id());
        g.writeStringField("message", p.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      writeSummary(g, report);
    }
  }

  private static void writeArchiveEntry(JsonGenerator g, ScanReport report, String path)
      throws IOException {
    var entry = report.entry(path);
    if (entry.isPresent()) {
      g.writeStringField("archive", entry.get().archive());
      g.writeStringField("entry", entry.get().entry());
    }
  }

  private static void writeFile(JsonGenerator g, ScanResult r, ScanReport report)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("path", r.file());
    writeArchiveEntry(g, report, r.file());
    g.writeStringField("elf", r.description());
    g.writeNumberField("codeBytes", r.codeBytes());
    g.writeArrayFieldStart("notes");
    for (String n : r.notes()) {
      g.writeString(n);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("findings");
    for (Finding f : r.findings()) {
      writeFinding(g, f);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeFinding(JsonGenerator g, Finding f) throws IOException {
    g.writeStartObject();
    g.writeStringField("address", hex(f.address()));
    g.writeStringField("offset", hex(f.offset()));
    g.writeStringField("register", f.register().name());
    g.writeStringField("rt", f.rtName());
    g.writeStringField("word", String.format("0x%08x", f.word()));
    g.writeStringField("section", f.section());
    if (f.symbol() == null) {
      g.writeNullField("symbol");
      g.writeNullField("symbolMangled");
      g.writeNullField("symbolOffset");
    } else {
      g.writeStringField("symbol", f.symbol().demangled());
      if (f.symbol().unnamed()) {
        g.writeNullField("symbolMangled");
      } else {
        g.writeStringField("symbolMangled", f.symbol().name());
      }
      g.writeStringField("symbolSource", f.symbol().source());
      g.writeStringField("symbolOffset", hex(f.symbol().offset()));
    }
    g.writeStringField("confidence", f.confidence().label());
    g.writeArrayFieldStart("reasons");
    for (Uncertainty u : f.reasons()) {
      g.writeString(u.id());
    }
    g.writeEndArray();
    writeEvidence(g, f.evidence());
    if (!f.context().isEmpty()) {
      g.writeArrayFieldStart("context");
      for (String line : f.context()) {
        g.writeString(line);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** {@code "evidence": {"code": [...], "data": [...]}} (docs/json-schema.md). */
  static void writeEvidence(JsonGenerator g, Evidence e) throws IOException {
    g.writeObjectFieldStart("evidence");
    g.writeArrayFieldStart("code");
    for (String s : e.code()) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("data");
    for (String s : e.data()) {
      g.writeString(s);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeSummary(JsonGenerator g, ScanReport report) throws IOException {
    ScanTotals t = report.totals();
    g.writeObjectFieldStart("summary");
    g.writeNumberField("filesScanned", report.results().size());
    g.writeNumberField("filesWithFindings", report.filesWithFindings());
    g.writeNumberField("findings", report.findingCount());
    g.writeObjectFieldStart("byRegister");
    for (Map.Entry<SysReg, Long> e : report.byRegister().entrySet()) {
      g.writeNumberField(e.getKey().name(), e.getValue());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("byConfidence");
    for (Confidence c : Confidence.values()) {
      g.writeNumberField(c.label(), report.findingCount(c));
    }
    g.writeEndObject();
    g.writeNumberField("nonElf", report.nonElf());
    g.writeNumberField("skipped", report.count(FailureKind.SKIPPED));
    g.writeNumberField("errors", report.errors().size());
    g.writeNumberField("badInput", report.count(FailureKind.BAD_INPUT));
    g.writeNumberField("unreadable", report.count(FailureKind.UNREADABLE));
    g.writeNumberField("filesSeen", t.files());
    g.writeNumberField("directories", t.directories());
    g.writeNumberField("archives", t.archives());
    g.writeNumberField("archiveEntries", t.entries());
    g.writeNumberField("elf", t.elf());
    g.writeNumberField("aarch64", report.results().size());
    g.writeNumberField("duplicates", t.duplicates());
    g.writeNumberField("notRegular", t.notRegular());
    g.writeNumberField("outsideLinks", t.outside());
    g.writeEndObject();
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
