package dev.a64patch.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.Version;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Every JSON document a64patch writes goes through here, so all are written one way: streamed
 * (nothing is held as a tree), pretty-printed, one trailing newline, the writer left open. The
 * envelope of {@code patch}, {@code verify} and {@code restore} is documented in
 * docs/json-schema.md.
 */
public final class JsonOutput {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonOutput() {}

  /** Writes the fields of one document. */
  public interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  /** A document with no common header (SARIF defines its own). */
  public static void object(Writer out, Fields fields) throws IOException {
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    }
    out.write(System.lineSeparator());
    out.flush();
  }

  /** A document of a64patch's own: {@code tool}, {@code version}, {@code schema}, then fields. */
  public static void document(Writer out, Fields fields) throws IOException {
    object(
        out,
        g -> {
          g.writeStringField("tool", "a64patch");
          g.writeStringField("version", Version.get());
          g.writeNumberField("schema", JsonReport.SCHEMA);
          fields.write(g);
        });
  }

  /**
   * The envelope of {@code patch}, {@code verify} and {@code restore}: the header, {@code command},
   * {@code files} (one object per file handled, written by {@code file}) and {@code problems}.
   */
  public static <T> void envelope(
      Writer out, String command, List<T> files, Item<T> file, List<FileProblem> problems)
      throws IOException {
    document(
        out,
        g -> {
          g.writeStringField("command", command);
          g.writeArrayFieldStart("files");
          for (T f : files) {
            g.writeStartObject();
            file.write(g, f);
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeArrayFieldStart("problems");
          for (FileProblem p : problems) {
            g.writeStartObject();
            g.writeStringField("path", p.path());
            g.writeStringField("kind", p.kind().id());
            g.writeStringField("message", p.message());
            g.writeEndObject();
          }
          g.writeEndArray();
        });
  }

  /** Writes the fields of one element. */
  public interface Item<T> {
    void write(JsonGenerator g, T item) throws IOException;
  }
}
