package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSection;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: the manifest wrote a site's action as {@code in_place} and its trampoline kind as
 * {@code SHARED_COUNTER} while reports and options say {@code in-place}; restore and verify
 * compared the raw strings. The manifest now holds the one external id, and files patched before
 * (format 3, old spellings, in users' hands) still verify and restore byte for byte.
 */
class ManifestVocabularyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ACTION_IDS = Set.of("trampoline", "in-place", "skipped");
  private static final Set<String> KIND_IDS =
      Set.of("counter", "shared-counter", "clock", "constant", "rndr-sequence", "rndr-getrandom");

  @TempDir Path dir;

  /** The section as objcopy dumps it: an oracle independent of the project's reader. */
  private JsonNode manifestByObjcopy(Path patched) throws IOException {
    Path objcopy = Tools.require("aarch64-linux-gnu-objcopy");
    Path out = dir.resolve(patched.getFileName() + ".manifest");
    Tools.Result r =
        Tools.run(
            List.of(
                objcopy.toString(),
                "--dump-section",
                Planner.MANIFEST_SECTION + "=" + out,
                patched.toString(),
                dir.resolve("objcopy-scratch").toString()),
            Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    return JSON.readTree(Files.readAllBytes(out));
  }

  @Test
  void patchedFilesRecordActionsAndKindsByTheirExternalIds() throws IOException {
    Set<String> actions = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    for (Strategy s : List.of(Strategy.COUNTER, Strategy.CLOCK, Strategy.ZERO)) {
      Path patched =
          Patching.patchCopy(
              TestData.bin("libcounters.so"), dir, PatchOptions.defaults().withStrategy(s));
      for (JsonNode site : manifestByObjcopy(patched).get("sites")) {
        String action = site.get("action").asText();
        assertTrue(ACTION_IDS.contains(action), action);
        actions.add(action);
        if (!site.get("kind").isNull()) {
          String kind = site.get("kind").asText();
          assertTrue(KIND_IDS.contains(kind), kind);
          kinds.add(kind);
        }
      }
    }
    // The spellings that differ from the old ones are the ones that prove the change.
    assertTrue(actions.contains("in-place"), actions.toString());
    assertTrue(kinds.contains("shared-counter"), kinds.toString());
  }

  @Test
  void manifestsWithTheOldSpellingsStillVerifyAndRestoreByteExact() throws IOException {
    Path input = TestData.bin("libcounters.so");
    byte[] original = Files.readAllBytes(input);
    for (Strategy s : List.of(Strategy.COUNTER, Strategy.ZERO)) {
      Path patched = Patching.patchCopy(input, dir, PatchOptions.defaults().withStrategy(s));
      Path old = withOldSpellings(patched);
      JsonNode tree = manifestByObjcopy(old);
      for (JsonNode site : tree.get("sites")) {
        String action = site.get("action").asText();
        assertTrue(Set.of("trampoline", "in_place", "skipped").contains(action), action);
        assertTrue(site.get("kind").isNull() || site.get("kind").asText().matches("[A-Z_]+"));
      }
      VerifyReport v = Verifier.verify(ElfFile.read(old));
      assertTrue(v.ok(), v.problems().toString());
      Path restored = dir.resolve("restored." + s.id());
      Patcher.restore(old, restored, PatchWriter.Hooks.NONE);
      assertArrayEquals(original, Files.readAllBytes(restored), "restore of " + s.id());
    }
  }

  @Test
  void anActionSpelledNeitherWayIsRefusedNamingTheField() throws IOException {
    Path patched =
        Patching.patchCopy(
            TestData.bin("libcounters.so"),
            dir,
            PatchOptions.defaults().withStrategy(Strategy.ZERO));
    Path bad = respelled(patched, "IN_PLACE", "shared_counter");
    PatchException e =
        assertThrows(
            PatchException.class,
            () -> Patcher.restore(bad, dir.resolve("restored"), PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains(".action"), e.getMessage());
    assertTrue(e.getMessage().contains("in-place"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("restored")));
  }

  /** The file as a64patch before the one vocabulary wrote it: in_place, SHARED_COUNTER. */
  private Path withOldSpellings(Path patched) throws IOException {
    return respelled(patched, null, null);
  }

  /**
   * A copy of {@code patched} whose manifest spells actions and kinds the old way (or as given),
   * sealed again. Each old spelling has the length of the id, so the section keeps its size.
   */
  private Path respelled(Path patched, String inPlace, String sharedCounter) throws IOException {
    ElfFile elf = ElfFile.read(patched);
    ElfSection s = elf.section(Planner.MANIFEST_SECTION).orElseThrow();
    byte[] bytes = Files.readAllBytes(patched);
    String json = new String(bytes, (int) s.offset(), (int) s.size(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("\"(action|kind)\" : \"([a-z-]+)\"").matcher(json);
    StringBuilder old = new StringBuilder();
    while (m.find()) {
      String spelled;
      if (m.group(1).equals("action")) {
        SitePlan.Action a = SitePlan.Action.parse(m.group(2));
        spelled =
            a == SitePlan.Action.IN_PLACE && inPlace != null
                ? inPlace
                : a.name().toLowerCase(Locale.ROOT);
      } else {
        Trampolines.Kind k = Trampolines.Kind.parse(m.group(2));
        spelled =
            k == Trampolines.Kind.SHARED_COUNTER && sharedCounter != null
                ? sharedCounter
                : k.name();
      }
      m.appendReplacement(old, "\"" + m.group(1) + "\" : \"" + spelled + "\"");
    }
    m.appendTail(old);
    byte[] sealed = JSON.readValue(old.toString(), Manifest.class).sealed().toBytes();
    assertEquals(s.size(), sealed.length, "an old spelling has the length of its id");
    System.arraycopy(sealed, 0, bytes, (int) s.offset(), sealed.length);
    Path out = dir.resolve("old-" + patched.getFileName());
    Files.write(out, bytes);
    return out;
  }
}
