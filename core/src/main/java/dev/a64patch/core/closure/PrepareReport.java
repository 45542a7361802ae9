package dev.a64patch.core.closure;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.Names;
import dev.a64patch.core.closure.Preparation.Row;
import dev.a64patch.core.report.JsonOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints a {@link Preparation}: a table (text) or one JSON object. */
public final class PrepareReport {
  private PrepareReport() {}

  public static void text(Preparation p, List<String> commandLines, PrintWriter out) {
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"OBJECT", "READS", "ACTION", "FOUND THROUGH", "DETAIL"});
    for (Row r : p.rows()) {
      table.add(
          new String[] {
            r.path(),
            r.reads() < 0 ? "-" : Long.toString(r.reads()),
            r.action().label() + (r.preloaded() ? " +preload" : ""),
            r.via() == null ? "-" : r.via().label(),
            r.detail()
          });
    }
    int[] w = new int[5];
    for (String[] row : table) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], row[i].length());
      }
    }
    for (String[] row : table) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        b.append(row[i]).append(" ".repeat(w[i] - row[i].length() + 2));
      }
      out.println((b + row[4]).stripTrailing());
    }
    out.println();
    out.println(
        "output: "
            + p.output()
            + (p.written() == 0
                ? " (up to date: nothing written)"
                : " ("
                    + p.written()
                    + " entr"
                    + (p.written() == 1 ? "y" : "ies")
                    + " written or removed)"));
    for (Path r : p.runtime()) {
      out.println("runtime: " + r + " (provided by a64patch, preloaded first)");
    }
    out.println("environment (" + p.output().resolve(Preparer.ENV_FILE) + "):");
    p.env().forEach((k, v) -> out.println("  " + k + "=" + v));
    for (String c : commandLines) {
      out.println(c);
    }
    for (String c : p.commands()) {
      out.println("left as it is; to patch in place (restorable with a64patch restore): " + c);
    }
    out.flush();
  }

  /**
   * The JSON document (docs/json-schema.md): the common header, {@code command}, then the
   * preparation. Enum values are written by their one external name ({@link Names#id}).
   */
  public static void json(Preparation p, Map<String, List<String>> commandLines, Writer out)
      throws IOException {
    JsonOutput.document(
        out,
        g -> {
          g.writeStringField("command", "prepare");
          g.writeStringField("output", p.output().toString());
          g.writeStringField("program", p.program().toString());
          g.writeNumberField("written", p.written());
          strings(g, "runtime", p.runtime().stream().map(Path::toString).toList());
          g.writeObjectFieldStart("env");
          for (var e : p.env().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
          }
          g.writeEndObject();
          g.writeObjectFieldStart("commands");
          for (var e : commandLines.entrySet()) {
            strings(g, e.getKey(), e.getValue());
          }
          g.writeEndObject();
          strings(g, "patchInPlace", p.commands());
          g.writeArrayFieldStart("objects");
          for (Row r : p.rows()) {
            g.writeStartObject();
            g.writeStringField("path", r.path());
            g.writeStringField("name", r.name());
            g.writeStringField("foundThrough", r.via() == null ? null : Names.id(r.via()));
            g.writeNumberField("reads", r.reads());
            g.writeNumberField("rewrites", r.rewrites());
            g.writeStringField("action", Names.id(r.action()));
            g.writeStringField("copy", r.copy() == null ? null : r.copy().toString());
            g.writeBooleanField("preloaded", r.preloaded());
            g.writeStringField("detail", r.detail());
            strings(g, "tried", r.tried());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  private static void strings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
