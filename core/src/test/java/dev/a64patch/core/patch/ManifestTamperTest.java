package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue: restore trusted the manifest and verify never checked it. One misspelled key made restore
 * replace a library with 0 bytes (exit 0); other edits ended in NullPointerException or
 * NumberFormatException (exit 70). Here many tampered manifests go through restore and verify:
 * restore either refuses or gives back exactly the original, and nothing else is ever thrown.
 */
class ManifestTamperTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  byte[] original;
  PatchedFile patched;

  @BeforeEach
  void patch() throws IOException {
    Path in = TestData.bin("libcounters.so");
    original = Files.readAllBytes(in);
    Path out = dir.resolve("patched.so");
    Patcher.patch(in, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    patched = PatchedFile.read(out);
  }

  @Test
  void misspelledOriginalLengthIsRefusedNamingTheField() throws IOException {
    byte[] bad = replace(patched.manifest(), "\"originalLength\"", "\"originalLe/gth\"");
    Path file = withManifest(bad);
    PatchException e =
        assertThrows(
            PatchException.class,
            () -> Patcher.restore(file, dir.resolve("restored"), PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("originalLe/gth"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("restored")));
    VerifyReport v = Verifier.verify(ElfFile.read(file));
    assertFalse(v.ok(), "verify must fail on a damaged manifest");
    assertEquals(1, v.problems().size(), v.problems().toString());
    assertTrue(v.problems().get(0).contains("originalLe/gth"), v.problems().toString());
  }

  @Test
  void changedOriginalLengthIsCaughtByTheChecksums() throws IOException {
    String m = new String(patched.manifest(), StandardCharsets.UTF_8);
    JsonNode tree = JSON.readTree(m);
    long length = tree.get("originalLength").asLong();
    String shorter = m.replace(length + ",", (length - 4) + ",");
    assertNotEquals(m, shorter);
    Path file = withManifest(shorter.getBytes(StandardCharsets.UTF_8));
    PatchException e =
        assertThrows(
            PatchException.class,
            () -> Patcher.restore(file, dir.resolve("restored"), PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("manifestSha256"), e.getMessage());
  }

  /** A consistent manifest (checksum recomputed) whose original checksum is wrong. */
  @Test
  void restoreNeverWritesBytesThatDoNotMatchTheOriginalChecksum() throws IOException {
    Manifest m = Manifest.read(ElfFile.read(withManifest(patched.manifest()))).orElseThrow();
    Manifest sealed = Forgery.withOriginalSha256(m, "0".repeat(64)).sealed();
    Path file = withManifest(patched.pad(sealed.toBytes()));
    Path out = dir.resolve("restored");
    PatchException e =
        assertThrows(
            PatchException.class, () -> Patcher.restore(file, out, PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    assertFalse(Files.exists(out));
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }
  }

  @Test
  void thousandsOfTamperedManifestsNeverRestoreWrongBytesNorCrash() throws IOException {
    Random random = new Random(8);
    List<byte[]> mutants = new ArrayList<>();
    byte[] m = patched.manifest();
    String alphabet = "0123456789abcdef-\"/:,{}[] .eExnul";
    for (int i = 0; i < 1000; i++) {
      byte[] b = m.clone();
      int edits = 1 + random.nextInt(3);
      for (int k = 0; k < edits; k++) {
        b[random.nextInt(b.length)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      mutants.add(b);
    }
    mutants.addAll(structural(JSON.readTree(m), random));
    int restored = 0;
    for (byte[] mutant : mutants) {
      restored += tryRestoreAndVerify(mutant) ? 1 : 0;
    }
    assertTrue(restored > 0, "no mutant was harmless (whitespace): the test lost its oracle");
  }

  /**
   * Damage with a valid self-checksum: what a user (or a tool) that edits the manifest and
   * recomputes {@code manifestSha256} produces. Every structural mutant that still parses is sealed
   * again, so the checksum cannot hide what the field checks, verify and restore do with it. The
   * first fuzzing campaign found these classes of damage on the earlier, unchecked manifest: an
   * unknown trampoline kind, an unknown register, a missing action, a trampoline out of branch
   * reach, a wrong type (a Jackson message naming a Java class), and a restore that wrote bytes
   * other than the original.
   */
  @Test
  void tamperedManifestsWithARecomputedChecksumNeverRestoreWrongBytesNorCrash() throws IOException {
    JsonNode tree = JSON.readTree(patched.manifest());
    List<byte[]> mutants = structural(tree, new Random(11));
    for (String path : sitePaths(tree, "trampoline")) {
      // Out of branch reach of the site: verify re-encoded it and threw "B ... cannot reach".
      mutants.add(patched.pad(JSON.writeValueAsBytes(set(tree.deepCopy(), path, num(1L << 40)))));
    }
    int resealed = 0;
    for (byte[] mutant : mutants) {
      Manifest parsed;
      try {
        parsed = Manifest.parse(mutant, "tampered.so");
      } catch (ManifestException e) {
        continue; // refused before any checksum: covered by the test above
      }
      byte[] sealed = JSON.writeValueAsBytes(JSON.readTree(parsed.sealed().toBytes()));
      if (sealed.length > patched.manifestSize()) {
        continue;
      }
      tryRestoreAndVerify(patched.pad(sealed));
      resealed++;
    }
    assertTrue(resealed > 100, "only " + resealed + " mutants could be sealed again");
  }

  /** Restores and verifies a file holding {@code mutant}; true when restore gave the original. */
  private boolean tryRestoreAndVerify(byte[] mutant) throws IOException {
    Path file = withManifest(mutant);
    Path out = dir.resolve("restored");
    Files.deleteIfExists(out);
    boolean restored = false;
    try {
      Patcher.restore(file, out, PatchWriter.Hooks.NONE);
      assertArrayEquals(
          original,
          Files.readAllBytes(out),
          "restore exited 0 with wrong bytes from manifest:\n" + new String(mutant));
      restored = true;
    } catch (PatchException | ElfException | IOException e) {
      assertFalse(Files.exists(out), "refused but wrote " + out);
      assertFalse(e.getMessage().contains("Exception"), e.getMessage());
      assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    } catch (RuntimeException e) {
      throw new AssertionError("internal error on manifest:\n" + new String(mutant), e);
    }
    try {
      Verifier.verify(ElfFile.read(file));
    } catch (RuntimeException e) {
      throw new AssertionError("verify crashed on manifest:\n" + new String(mutant), e);
    }
    return restored;
  }

  private static List<String> sitePaths(JsonNode tree, String field) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tree.path("sites").size(); i++) {
      if (tree.path("sites").get(i).has(field)) {
        out.add("/sites/" + i + "/" + field);
      }
    }
    return out;
  }

  private static JsonNode num(long v) {
    return JsonNodeFactory.instance.numberNode(v);
  }

  /** Field-level damage: every field deleted, nulled, given a wrong type or an extreme value. */
  private List<byte[]> structural(JsonNode tree, Random random) throws IOException {
    List<byte[]> out = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    collect(tree, "", paths);
    JsonNode[] values = {
      JsonNodeFactory.instance.nullNode(),
      JsonNodeFactory.instance.textNode("x"),
      JsonNodeFactory.instance.numberNode(-1L),
      JsonNodeFactory.instance.numberNode(Long.MAX_VALUE),
      JsonNodeFactory.instance.numberNode(1.5),
      JsonNodeFactory.instance.numberNode(0),
      JsonNodeFactory.instance.booleanNode(true),
      JsonNodeFactory.instance.arrayNode(),
      JsonNodeFactory.instance.objectNode(),
    };
    for (String path : paths) {
      for (JsonNode v : values) {
        out.add(patched.pad(JSON.writeValueAsBytes(set(tree.deepCopy(), path, v))));
      }
      out.add(patched.pad(JSON.writeValueAsBytes(set(tree.deepCopy(), path, null))));
      JsonNode old = at(tree, path);
      if (old.isNumber()) {
        out.add(
            patched.pad(
                JSON.writeValueAsBytes(
                    set(
                        tree.deepCopy(),
                        path,
                        JsonNodeFactory.instance.numberNode(
                            old.asLong() + 1 + random.nextInt(8))))));
      }
    }
    return out;
  }

  private static void collect(JsonNode n, String path, List<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path + "/" + e.getKey();
        out.add(p);
        collect(e.getValue(), p, out);
      }
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        out.add(path + "/" + i);
        collect(n.get(i), path + "/" + i, out);
      }
    }
  }

  private static JsonNode at(JsonNode tree, String path) {
    return tree.at(path);
  }

  /** Sets (or, with null, removes) the node at a JSON pointer. */
  private static JsonNode set(JsonNode tree, String path, JsonNode value) {
    int cut = path.lastIndexOf('/');
    JsonNode parent = cut == 0 ? tree : tree.at(path.substring(0, cut));
    String key = path.substring(cut + 1);
    if (parent instanceof ObjectNode o) {
      if (value == null) o.remove(key);
      else o.set(key, value);
    } else if (parent instanceof ArrayNode a) {
      int i = Integer.parseInt(key);
      if (value == null) a.remove(i);
      else a.set(i, value);
    }
    return tree;
  }

  private Path withManifest(byte[] manifest) throws IOException {
    return patched.withManifest(manifest, dir.resolve("tampered.so"));
  }

  private static byte[] replace(byte[] b, String from, String to) {
    String s = new String(b, StandardCharsets.UTF_8);
    assertTrue(s.contains(from), from);
    assertEquals(from.length(), to.length());
    return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
  }
}
