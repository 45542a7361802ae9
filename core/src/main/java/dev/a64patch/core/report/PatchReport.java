package dev.a64patch.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.a64patch.core.encode.Insn;
import dev.a64patch.core.patch.Island;
import dev.a64patch.core.patch.Layout;
import dev.a64patch.core.patch.PatchPlan;
import dev.a64patch.core.patch.Patcher;
import dev.a64patch.core.patch.SegmentGrowth;
import dev.a64patch.core.patch.SegmentKind;
import dev.a64patch.core.patch.SitePlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Text and JSON output of {@code patch} (and {@code --dry-run}): per file the outcome and the plan.
 */
public final class PatchReport {
  private PatchReport() {}

  /**
   * One file's outcome; {@code plan} is null when the file was already patched with the same
   * options.
   */
  public record Entry(String path, Patcher.Result result, PatchPlan plan) {}

  /** Padding worth a line without --verbose: 1 MiB and more. */
  static final long LARGE_PADDING = 1L << 20;

  public static void text(List<Entry> entries, boolean details, PrintWriter out) {
    for (Entry e : entries) {
      out.println(summary(e));
      PatchPlan p = e.plan();
      if (p == null) {
        continue;
      }
      Layout l = p.layout();
      if (details || e.result() == Patcher.Result.DRY_RUN) {
        for (Layout.Segment s : l.segments()) {
          out.printf(
              "  new %s segment at 0x%x, file offset 0x%x, %d bytes (%s)%n",
              s.kind().label(),
              s.vaddr(),
              s.offset(),
              s.size(),
              s.sections().stream()
                  .map(x -> x.what().description())
                  .collect(Collectors.joining(" + ")));
        }
        if (!l.segments().isEmpty()) {
          // The layout decision, named (LIEF style), with what it costs.
          out.printf(
              "  layout %s: %s%s%n",
              l.strategy().id(),
              l.strategy().description(),
              l.padding() > 15
                  ? String.format(
                      "; %d bytes of padding before it, a hole in the file", l.padding())
                  : "");
        }
        for (String note : p.notes()) {
          out.println("  " + note);
        }
      } else if (l.padding() >= LARGE_PADDING) {
        // Said without --verbose too: the file's apparent size grew by this much
        // (docs/design.md section 14).
        out.printf(
            "  layout %s: %d bytes of padding, a hole in the file%n",
            l.strategy().id(), l.padding());
      }
      for (SegmentGrowth g : p.grown()) {
        // Said without --verbose too: an original program header changes (docs/design.md, 10).
        out.printf(
            "  islands: code segment %d extended by %d bytes over its tail (0x%x-0x%x)%n",
            g.segment(), g.grownBy(), g.oldEnd(), g.newEnd());
      }
      if (details || e.result() == Patcher.Result.DRY_RUN) {
        table(p, out);
      } else {
        // Counter reads left alone are listed one by one; other reads left alone (CNTFRQ,
        // RNDR, PMCCNTR not selected) by register and reason, so "N left alone" always says why.
        p.sites().stream()
            .filter(
                s ->
                    s.action() == SitePlan.Action.SKIPPED
                        && s.finding().register().kind()
                            == dev.a64patch.core.scan.SysReg.Kind.COUNTER)
            .forEach(
                s ->
                    out.printf(
                        "  left alone: 0x%x %s %s: %s%n",
                        s.finding().address(),
                        s.finding().register(),
                        s.finding().rtName(),
                        s.reason()));
        p.sites().stream()
            .filter(
                s ->
                    s.action() == SitePlan.Action.SKIPPED
                        && s.finding().register().kind()
                            != dev.a64patch.core.scan.SysReg.Kind.COUNTER)
            .collect(
                Collectors.groupingBy(
                    s -> s.finding().register() + " read(s): " + s.reason(),
                    java.util.TreeMap::new,
                    Collectors.counting()))
            .forEach((what, n) -> out.printf("  left alone: %d %s%n", n, what));
      }
    }
    out.flush();
  }

  static String summary(Entry e) {
    PatchPlan p = e.plan();
    return switch (e.result()) {
      case ALREADY_PATCHED -> e.path() + ": already patched with these options; unchanged";
      case NOTHING_TO_PATCH ->
          e.path()
              + ": nothing to patch ("
              + (p.sites().isEmpty() ? "no reads" : p.sites().size() + " read(s), none selected")
              + "); unchanged";
      case PATCHED, DRY_RUN ->
          String.format(
              "%s: %s %d of %d read(s) (strategy %s): %d by trampoline%s, %d in place, %d left"
                  + " alone",
              e.path(),
              e.result() == Patcher.Result.DRY_RUN ? "would patch" : "patched",
              p.count(SitePlan.Action.TRAMPOLINE) + p.count(SitePlan.Action.IN_PLACE),
              p.sites().size(),
              p.options().strategy().id(),
              p.count(SitePlan.Action.TRAMPOLINE),
              p.throughIslands() == 0 ? "" : " (" + p.throughIslands() + " through islands)",
              p.count(SitePlan.Action.IN_PLACE),
              p.count(SitePlan.Action.SKIPPED));
    };
  }

  private static void table(PatchPlan p, PrintWriter out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {"ADDRESS", "REGISTER", "RT", "ACTION", "NEW WORD", "TRAMPOLINE", "NOTE"});
    for (SitePlan s : p.sites()) {
      rows.add(
          new String[] {
            JsonReport.hex(s.finding().address()),
            s.finding().register().name(),
            s.finding().rtName(),
            action(s),
            String.format("%08x", s.newWord()),
            s.trampoline() < 0 ? "-" : JsonReport.hex(s.trampoline()),
            s.reason()
          });
    }
    int[] w = new int[7];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
    }
    for (String[] r : rows) {
      StringBuilder b = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        b.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
      }
      out.println(b.toString().stripTrailing());
    }
  }

  private static String action(SitePlan s) {
    return s.action().id();
  }

  public static void json(List<Entry> entries, List<FileProblem> problems, boolean code, Writer w)
      throws IOException {
    JsonOutput.envelope(w, "patch", entries, (g, e) -> file(g, e, code), problems);
  }

  private static void file(JsonGenerator g, Entry e, boolean code) throws IOException {
    g.writeStringField("path", e.path());
    g.writeStringField("result", e.result().id());
    PatchPlan p = e.plan();
    if (p != null) {
      g.writeStringField("strategy", p.options().strategy().id());
      segment(g, "text", p.layout().segment(SegmentKind.CODE).orElse(null));
      segment(g, "data", p.layout().segment(SegmentKind.DATA).orElse(null));
      g.writeStringField("layout", p.layout().strategy().id());
      g.writeNumberField("padding", p.layout().padding());
      g.writeNumberField("throughIslands", p.throughIslands());
      g.writeArrayFieldStart("grownSegments");
      for (SegmentGrowth grown : p.grown()) {
        g.writeStartObject();
        g.writeNumberField("segment", grown.segment());
        g.writeStringField("from", JsonReport.hex(grown.oldEnd()));
        g.writeStringField("to", JsonReport.hex(grown.newEnd()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("sites");
      for (SitePlan s : p.sites()) {
        g.writeStartObject();
        g.writeStringField("address", JsonReport.hex(s.finding().address()));
        g.writeStringField("offset", JsonReport.hex(s.finding().offset()));
        g.writeStringField("register", s.finding().register().name());
        g.writeStringField("rt", s.finding().rtName());
        g.writeStringField("action", action(s));
        g.writeStringField("originalWord", String.format("0x%08x", s.finding().word()));
        g.writeStringField("newWord", String.format("0x%08x", s.newWord()));
        if (s.trampoline() >= 0) {
          g.writeStringField("trampoline", JsonReport.hex(s.trampoline()));
          // Where the trampoline's unwind rules come from: "site" (the site's CFI), "prologue"
          // or "assumed" (no CFI at the site), "none" (the tables could not be extended).
          g.writeStringField(
              "unwind",
              p.unwind() == null
                  ? "none"
                  : p.unwind()
                      .forSite(s.finding().address())
                      .map(d -> d.source().id())
                      .orElse("none"));
        }
        if (!s.islands().isEmpty()) {
          // The hops in the original's padding (docs/patching.md, "Islands"), there and back.
          g.writeArrayFieldStart("islands");
          for (Island i : s.islands()) {
            g.writeStartObject();
            g.writeStringField("role", i.role().id());
            g.writeStringField("address", JsonReport.hex(i.address()));
            g.writeStringField("target", JsonReport.hex(i.target()));
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        if (!s.reason().isEmpty()) {
          g.writeStringField("reason", s.reason());
        }
        if (code && !s.code().isEmpty()) {
          g.writeArrayFieldStart("code");
          for (Insn i : s.code()) {
            g.writeString(i.toString());
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  private static void segment(JsonGenerator g, String name, Layout.Segment s) throws IOException {
    if (s == null) {
      g.writeNullField(name);
      return;
    }
    g.writeObjectFieldStart(name);
    g.writeStringField("offset", JsonReport.hex(s.offset()));
    g.writeStringField("vaddr", JsonReport.hex(s.vaddr()));
    g.writeNumberField("size", s.size());
    g.writeEndObject();
  }
}
