package dev.a64patch.core.closure;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.a64patch.core.closure.Preparation.Row;
import java.io.PrintWriter;
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

  public static void json(Preparation p, Map<String, List<String>> commandLines, PrintWriter out) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("output", p.output().toString());
    root.put("program", p.program().toString());
    root.put("written", p.written());
    ObjectNode env = root.putObject("env");
    p.env().forEach(env::put);
    ObjectNode cmds = root.putObject("commands");
    commandLines.forEach(
        (k, v) -> {
          ArrayNode a = cmds.putArray(k);
          v.forEach(a::add);
        });
    ArrayNode inPlace = root.putArray("patchInPlace");
    p.commands().forEach(inPlace::add);
    ArrayNode objects = root.putArray("objects");
    for (Row r : p.rows()) {
      ObjectNode o = objects.addObject();
      o.put("path", r.path());
      o.put("name", r.name());
      o.put("foundThrough", r.via() == null ? null : r.via().name());
      o.put("reads", r.reads());
      o.put("rewrites", r.rewrites());
      o.put("action", r.action().name());
      o.put("copy", r.copy() == null ? null : r.copy().toString());
      o.put("preloaded", r.preloaded());
      o.put("detail", r.detail());
      ArrayNode tried = o.putArray("tried");
      r.tried().forEach(tried::add);
    }
    out.println(root.toPrettyString());
    out.flush();
  }
}
