package dev.a64patch.core.cfi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the output of {@code readelf --debug-dump=frames-interp}: the oracle for CFI tests. */
public final class ReadelfFrames {
  private ReadelfFrames() {}

  /** One readelf row: location, CFA text, register column to rule text. */
  public record ReadelfRow(long loc, String cfa, Map<String, String> regs) {}

  /** Runs readelf on {@code file} and parses what it prints, as {@link #parse}. */
  public static Map<String, List<ReadelfRow>> of(Path file) {
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    Tools.Result r =
        Tools.run(
            List.of(readelf.toString(), "--debug-dump=frames-interp", file.toString()),
            Duration.ofSeconds(120));
    assertEquals(0, r.exitCode(), r.describe());
    return parse(r.stdout());
  }

  /**
   * FDE "start..end" (16 hex digits each) to its rows (empty when readelf printed none, which it
   * does when the FDE adds nothing to its CIE). With several .eh_frame sections, all are read.
   */
  public static Map<String, List<ReadelfRow>> parse(String out) {
    Map<String, List<ReadelfRow>> fdes = new HashMap<>();
    List<ReadelfRow> current = null;
    List<String> header = null;
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[3].equals("FDE")) {
        String pc = line.substring(line.indexOf("pc=") + 3).trim();
        current = new ArrayList<>();
        fdes.put(pc, current);
        header = null;
      } else if (f.length >= 4 && f[3].equals("CIE")) {
        current = null;
      } else if (current != null && f.length >= 2 && f[0].equals("LOC")) {
        header = List.of(f).subList(2, f.length);
      } else if (current != null && header != null && f.length >= 2 && f[0].length() == 16) {
        Map<String, String> regs = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          regs.put(header.get(i), i + 2 < f.length ? f[i + 2] : "u");
        }
        current.add(new ReadelfRow(Long.parseUnsignedLong(f[0], 16), f[1], regs));
      }
    }
    return fdes;
  }
}
