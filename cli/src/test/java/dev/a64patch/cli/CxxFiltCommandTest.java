package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names are demangled by c++filt when it is there and stay as stored otherwise, with the same
 * findings, no message and exit 0 either way; JSON carries both names. Separate JVMs, because the
 * c++filt adapter is configured once per process.
 */
class CxxFiltCommandTest {
  private static final String MANGLED = "_ZN4absl\\w+18UnscaledCycleClock3NowEv";
  private static final String DEMANGLED =
      "absl::\\w+::base_internal::UnscaledCycleClock::Now\\(\\)";

  @Test
  void jsonCarriesDemangledAndStoredNamesAndWithoutCxxFiltOnlyStored() throws Exception {
    Path abseil = Corpus.lib("libabsl_base.so.");
    Tools.require("c++filt");
    JsonNode with = now(scan(List.of(), abseil));
    assertTrue(with.get("symbol").asText().matches(DEMANGLED), with.toString());
    assertTrue(with.get("symbolMangled").asText().matches(MANGLED), with.toString());

    for (String off :
        List.of("-Da64patch.cxxfilt=off", "-Da64patch.cxxfilt=/nonexistent/c++filt")) {
      JsonNode without = now(scan(List.of(off), abseil));
      assertEquals(with.get("symbolMangled"), without.get("symbol"), off);
      assertEquals(with.get("symbolMangled"), without.get("symbolMangled"), off);
      assertEquals(with.get("address"), without.get("address"), off);
    }
  }

  private static JsonNode scan(List<String> jvmOptions, Path file) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of(Main.class.getName(), "scan", "--format", "json", file.toString()));
    Tools.Result r = Tools.run(cmd, Duration.ofMinutes(1));
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals("", r.stderr(), r.describe());
    return new ObjectMapper().readTree(r.stdout());
  }

  /** The one CNTVCT_EL0 finding of libabsl_base: in UnscaledCycleClock::Now(). */
  private static JsonNode now(JsonNode report) {
    List<JsonNode> reads = new ArrayList<>();
    for (JsonNode f : report.get("files").get(0).get("findings")) {
      if (f.get("register").asText().equals("CNTVCT_EL0")) {
        reads.add(f);
      }
    }
    assertEquals(1, reads.size(), report.toString());
    return reads.get(0);
  }
}
