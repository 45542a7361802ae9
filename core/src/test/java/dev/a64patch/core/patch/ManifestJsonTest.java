package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest's own JSON writer and reader against Jackson, which wrote every manifest before it
 * (the oracle): the same bytes, compact and pretty, so that manifests already written keep their
 * checksums; and the same strictness when reading.
 */
class ManifestJsonTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @TempDir Path dir;

  private Manifest patched(String name, PatchOptions options) throws Exception {
    Path out = dir.resolve(name + ".patched");
    Patcher.patch(TestData.bin(name), out, options, false, PatchWriter.Hooks.NONE);
    return Manifest.read(ElfFile.read(out)).orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"libcounters.so", "counters-gcc-pie", "counters-clang-static"})
  void writesWhatJacksonWrote(String name) throws Exception {
    for (PatchOptions o :
        List.of(PatchOptions.defaults(), PatchOptions.defaults().withStrategy(Strategy.CLOCK))) {
      Manifest m = patched(name, o);
      assertSame(pretty(m), m.toBytes());
      assertSame(JACKSON.writeValueAsBytes(m), ManifestJson.compact(m));
    }
  }

  @Test
  void theFileHoldsThePrettyForm() throws Exception {
    Path out = dir.resolve("lib.so");
    Patcher.patch(
        TestData.bin("libcounters.so"),
        out,
        PatchOptions.defaults(),
        false,
        PatchWriter.Hooks.NONE);
    ElfFile elf = ElfFile.read(out);
    ElfSection s = elf.section(Planner.MANIFEST_SECTION).orElseThrow();
    ByteBuffer b = elf.slice(s.offset(), s.size());
    byte[] section = new byte[b.remaining()];
    b.get(section);
    Manifest m = Manifest.read(elf).orElseThrow();
    assertSame(pretty(m), section);
  }

  @Test
  void escapesStringsAsJacksonDid() throws Exception {
    Manifest m = patched("libcounters.so", PatchOptions.defaults());
    StringBuilder all = new StringBuilder("quote \" backslash \\ slash / é € 😀 \u007f");
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    String text = all.toString();
    Manifest odd =
        Forgery.withNames(
            Forgery.withSites(m, m.sites().stream().map(s -> Forgery.withReason(s, text)).toList()),
            text);
    assertSame(pretty(odd), odd.toBytes());
    assertSame(JACKSON.writeValueAsBytes(odd), ManifestJson.compact(odd));
    assertEquals(odd, ManifestJson.bind(ManifestJson.parse(odd.toBytes()), Manifest.class));
  }

  /**
   * A string can hold unpaired surrogates (a reason or a name built from a file's bytes): the
   * pretty form encodes them as {@code ?}, as Jackson's string in UTF-8 did, also one left at the
   * very end. (They cannot be read back as they were: UTF-8 has no form for them.)
   */
  @Test
  void encodesUnpairedSurrogatesAsJacksonsStringDid() throws Exception {
    Manifest m = patched("libcounters.so", PatchOptions.defaults());
    String text = "lone \uD800 low \uDC00 two highs \uDBFF\uD800 at the end \uD83D";
    Manifest odd =
        Forgery.withNames(
            Forgery.withSites(m, m.sites().stream().map(s -> Forgery.withReason(s, text)).toList()),
            text);
    assertSame(pretty(odd), odd.toBytes());
  }

  @Test
  void readsBackWhatItWrites() throws Exception {
    Manifest m = patched("counters-gcc-pie", PatchOptions.defaults());
    assertEquals(m, ManifestJson.bind(ManifestJson.parse(m.toBytes()), Manifest.class));
    assertEquals(m, ManifestJson.bind(ManifestJson.parse(ManifestJson.compact(m)), Manifest.class));
  }

  @Test
  void refusesWhatJacksonRefused() throws Exception {
    Manifest m = patched("counters-gcc-pie", PatchOptions.defaults());
    String json = new String(m.toBytes(), StandardCharsets.UTF_8);
    String step = "\"step\" : " + m.options().step();
    String strategy = "\"strategy\" : \"" + m.options().strategy() + "\"";
    assertTrue(json.contains(step) && json.contains(strategy), json);
    assertRefused(json.replace(step, "\"step\" : 1.5"), "options.step", "an integer");
    assertRefused(json.replace(step, "\"step\" : \"7\""), "options.step", "an integer");
    assertRefused(json.replace(step, "\"step\" : 1e3"), "options.step", "an integer");
    assertRefused(json.replace(step, "\"step\" : null"), "options.step", "an integer");
    assertRefused(
        json.replace(step, "\"step\" : 99999999999999999999"), "options.step", "out of range");
    assertRefused(json.replace(strategy, "\"strategy\" : 3"), "options.strategy", "a string");
    assertRefused(json.replace(step, "\"stepp\" : 1"), "options.stepp", "unknown field");
    assertRefused(json.replace(step + ",", ""), "options.step", "missing");
    assertRefused(json.replace(step, step + ", \"step\" : 1"), "options.step", "twice");
    assertRefused(json.replace(step, "\"step\" : 07"), "options.step", "not valid JSON");
    assertRefused(json + " {}", "", "not valid JSON");
    assertRefused(json.replace("\"sites\" : [", "\"sites\" : [ 1,"), "sites[0]", "an object");
  }

  /**
   * What is not JSON is refused with the line, column and field it is in, and in words of its own:
   * never the parser's message, which names its own classes and features.
   */
  @Test
  void refusesWhatIsNotJson() throws Exception {
    Manifest m = patched("counters-gcc-pie", PatchOptions.defaults());
    String json = new String(m.toBytes(), StandardCharsets.UTF_8);
    String step = "\"step\" : " + m.options().step();
    String offset = "\"offset\" : " + m.sites().get(0).offset();
    assertTrue(json.contains(offset), json);
    String site = "sites[0].offset";
    assertNotJson(json.replace(offset, "\"offset\" : NaN"), site);
    assertNotJson(json.replace(offset, "\"offset\" : -"), site);
    assertNotJson(json.replace(offset, "\"offset\" : 0x10"), site);
    assertNotJson(json.replace(offset, "\"offset\" : 'a'"), site);
    assertNotJson(json.replace(offset, "\"offset\" : \"a\u0001\""), site);
    assertNotJson(json.replace(offset, "\"offset\" : \"\\x\""), site);
    assertNotJson(json.replace(offset, "\"offset\" : 1 /* c */"), site);
    assertNotJson(json.replace(step + ",", step + ",,"), "options.step");
    assertNotJson(json + " x", "");
    assertNotJson(json.substring(0, json.length() / 2), null);
    assertNotJson("", "");
    ManifestException named =
        assertThrows(
            ManifestException.class,
            () ->
                Manifest.parse(
                    json.replace(step, "\"step\" : 07").getBytes(StandardCharsets.UTF_8), "f"));
    assertEquals("options.step", named.field(), named.getMessage());
    assertTrue(
        named.getMessage().contains("manifest field options.step: is not valid JSON (line "),
        named.getMessage());
    assertNotJson("[".repeat(100), null);
    byte[] badUtf8 = json.replace(step, "\"step\" : \"\u00e9\"").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < badUtf8.length; i++) {
      if (badUtf8[i] == (byte) 0xa9) {
        badUtf8[i] = (byte) 0x29; // the second byte of é no longer continues it
      }
    }
    ManifestJson.Invalid e =
        assertThrows(ManifestJson.Invalid.class, () -> ManifestJson.parse(badUtf8));
    assertWords(e);
  }

  private static void assertNotJson(String json, String path) {
    ManifestJson.Invalid e =
        assertThrows(
            ManifestJson.Invalid.class,
            () -> ManifestJson.parse(json.getBytes(StandardCharsets.UTF_8)));
    if (path != null) {
      assertEquals(path, e.path, e.getMessage());
    }
    assertTrue(
        e.getMessage().matches("is not valid JSON \\(line \\d+, column \\d+\\)"), e.getMessage());
  }

  private static void assertWords(ManifestJson.Invalid e) {
    assertTrue(e.getMessage().startsWith("is not valid JSON"), e.getMessage());
    assertFalse(
        e.getMessage().matches("(?s).*(jackson|Feature|Exception|`|\\[Source).*"), e.getMessage());
  }

  /** How Manifest wrote the file's form with Jackson: a string, then UTF-8. */
  private static byte[] pretty(Manifest m) throws Exception {
    return JACKSON
        .writerWithDefaultPrettyPrinter()
        .writeValueAsString(m)
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void assertRefused(String json, String path, String reason) {
    ManifestJson.Invalid e =
        assertThrows(
            ManifestJson.Invalid.class,
            () ->
                ManifestJson.bind(
                    ManifestJson.parse(json.getBytes(StandardCharsets.UTF_8)), Manifest.class));
    assertEquals(path, e.path, e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  private static void assertSame(byte[] jackson, byte[] ours) {
    assertArrayEquals(
        jackson,
        ours,
        () ->
            "jackson:\n"
                + new String(jackson, StandardCharsets.UTF_8)
                + "\nours:\n"
                + new String(ours, StandardCharsets.UTF_8));
  }
}
