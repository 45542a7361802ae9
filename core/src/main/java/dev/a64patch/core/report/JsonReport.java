package dev.a64patch.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.Version;
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
 */
public final class JsonReport {
    public static final int SCHEMA = 1;

    private JsonReport() {}

    public static void write(ScanReport report, Writer out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("tool", "a64patch");
            g.writeStringField("version", Version.get());
            g.writeNumberField("schema", SCHEMA);
            g.writeArrayFieldStart("files");
            for (ScanResult r : report.results()) {
                writeFile(g, r);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("problems");
            for (FileProblem p : report.problems()) {
                g.writeStartObject();
                g.writeStringField("path", p.path());
                g.writeStringField("kind", p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
                g.writeStringField("message", p.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            writeSummary(g, report);
            g.writeEndObject();
        }
        out.write(System.lineSeparator());
        out.flush();
    }

    private static void writeFile(JsonGenerator g, ScanResult r) throws IOException {
        g.writeStartObject();
        g.writeStringField("path", r.file());
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
            g.writeStringField("symbolSource", f.symbol().unnamed() ? "eh_frame" : "symtab");
            g.writeStringField("symbolOffset", hex(f.symbol().offset()));
        }
        g.writeStringField("confidence", f.confidence().label());
        g.writeArrayFieldStart("reasons");
        for (Uncertainty u : f.reasons()) {
            g.writeString(u.id());
        }
        g.writeEndArray();
        if (!f.context().isEmpty()) {
            g.writeArrayFieldStart("context");
            for (String line : f.context()) {
                g.writeString(line);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeSummary(JsonGenerator g, ScanReport report) throws IOException {
        g.writeObjectFieldStart("summary");
        g.writeNumberField("filesScanned", report.results().size());
        g.writeNumberField("filesWithFindings", report.results().stream().filter(r -> !r.findings().isEmpty()).count());
        g.writeNumberField("findings", report.findingCount());
        g.writeObjectFieldStart("byRegister");
        for (Map.Entry<SysReg, Long> e : report.byRegister().entrySet()) {
            g.writeNumberField(e.getKey().name(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("nonElf", report.nonElf());
        g.writeNumberField("skipped", report.problems().stream().filter(p -> p.kind() == FileProblem.Kind.SKIPPED).count());
        g.writeNumberField("errors", report.problems().stream().filter(p -> p.kind() != FileProblem.Kind.SKIPPED).count());
        g.writeEndObject();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
