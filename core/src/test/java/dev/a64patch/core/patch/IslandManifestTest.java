package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.a64patch.core.encode.A64;
import dev.a64patch.elf.ElfException;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The islands of a patched file are checked like every other manifest field: a changed island word
 * makes restore refuse and verify complain, a forged island (resealed manifest) over words that
 * were not padding or over the site itself is refused, and no damage to an island's fields makes
 * restore write wrong bytes or either command crash. The file is a small library with a 200 MiB
 * .bss, so its one read goes through a pair of long islands (IslandsTest runs it).
 */
class IslandManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path original;
  PatchedFile patched;

  @BeforeEach
  void patch() throws Exception {
    Path src = dir.resolve("bss.s");
    Files.writeString(
        src,
        String.join(
            "\n",
            ".text",
            ".globl f_read",
            ".type f_read, %function",
            "f_read: mrs x0, cntvct_el0",
            "  ret",
            ".size f_read, .-f_read",
            ".p2align 6",
            ".globl g",
            ".type g, %function",
            "g: ret",
            ".size g, .-g",
            ".p2align 6",
            ".bss",
            ".skip 200 << 20",
            ""));
    Path obj = dir.resolve("bss.o");
    original = dir.resolve("libbss.so");
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-as").toString(), "-o", obj.toString(), src.toString());
    Tools.runOk(
        Tools.require("aarch64-linux-gnu-ld").toString(),
        "-shared",
        "-z",
        "max-page-size=4096", // no segment tail: the islands replace nop padding
        "-o",
        original.toString(),
        obj.toString());
    Path out = dir.resolve("patched.so");
    Patcher.patch(original, out, PatchOptions.defaults(), false, PatchWriter.Hooks.NONE);
    patched = PatchedFile.read(out);
    assertEquals(2, manifest().sites().get(0).islands().size(), "a pair of long islands");
  }

  /** Jackson, which wrote manifests before a64patch's own writer, writes the islands the same. */
  @Test
  void islandsAreWrittenAsJacksonWritesThem() throws Exception {
    Manifest m = manifest();
    assertArrayEquals(JSON.writeValueAsBytes(m), ManifestJson.compact(m));
    assertArrayEquals(patched.manifest(), ManifestJson.pretty(m));
  }

  @Test
  void changedIslandWordIsRefusedByRestoreAndReportedByVerify() throws Exception {
    Manifest.Island back = manifest().sites().get(0).islands().get(1);
    byte[] b = patched.bytes();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt((int) back.offset(), A64.NOP);
    Path file = dir.resolve("changed.so");
    Files.write(file, b);
    Path out = dir.resolve("restored");
    PatchException e =
        assertThrows(
            PatchException.class, () -> Patcher.restore(file, out, PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("island of site"), e.getMessage());
    assertFalse(Files.exists(out));
    VerifyReport v = Verifier.verify(ElfFile.read(file));
    assertFalse(v.ok());
    assertTrue(
        v.problems().stream().anyMatch(p -> p.contains("island long-back")),
        v.problems().toString());
  }

  @Test
  void forgedIslandsOverTheSiteOrOverCodeAreRefused() throws Exception {
    Manifest m = manifest();
    Manifest.Site site = m.sites().get(0);
    Manifest.Island to = site.islands().get(0);
    // An island over the site's own word.
    Manifest.Island forged =
        new Manifest.Island(
            to.role(), site.offset(), site.address(), to.original(), to.patched(), to.target());
    Path file =
        withSites(m, List.of(Forgery.withIslands(site, List.of(forged, site.islands().get(1)))));
    PatchException e =
        assertThrows(
            PatchException.class,
            () -> Patcher.restore(file, dir.resolve("restored"), PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("islands[0]"), e.getMessage());
    forged =
        new Manifest.Island(
            to.role(),
            to.offset(),
            to.address(),
            notPadding(to.original()),
            to.patched(),
            to.target());
    Path notPadding =
        withSites(m, List.of(Forgery.withIslands(site, List.of(forged, site.islands().get(1)))));
    e =
        assertThrows(
            PatchException.class,
            () -> Patcher.restore(notPadding, dir.resolve("restored"), PatchWriter.Hooks.NONE));
    assertTrue(e.getMessage().contains("not padding"), e.getMessage());
  }

  @Test
  void brokenChainIsReportedByVerify() throws Exception {
    Manifest m = manifest();
    Manifest.Site site = m.sites().get(0);
    Manifest.Island back = site.islands().get(1);
    Manifest.Island astray =
        new Manifest.Island(
            back.role(),
            back.offset(),
            back.address(),
            back.original(),
            back.patched(),
            back.target() + 4);
    Path file =
        withSites(m, List.of(Forgery.withIslands(site, List.of(site.islands().get(0), astray))));
    VerifyReport v = Verifier.verify(ElfFile.read(file));
    assertFalse(v.ok());
    assertTrue(
        v.problems().stream().anyMatch(p -> p.contains("not to 0x")), v.problems().toString());
  }

  /** Every island field deleted, nulled, mistyped or moved: refused or restored exactly. */
  @Test
  void damagedIslandFieldsNeverRestoreWrongBytesNorCrash() throws Exception {
    byte[] want = Files.readAllBytes(original);
    JsonNode tree = JSON.readTree(patched.manifest());
    JsonNode[] values = {
      null,
      JsonNodeFactory.instance.nullNode(),
      JsonNodeFactory.instance.textNode("x"),
      JsonNodeFactory.instance.numberNode(-1L),
      JsonNodeFactory.instance.numberNode(Long.MAX_VALUE),
      JsonNodeFactory.instance.numberNode(4),
      JsonNodeFactory.instance.arrayNode(),
    };
    int tried = 0;
    ArrayNode islands = (ArrayNode) tree.get("sites").get(0).get("islands");
    for (int i = 0; i < islands.size(); i++) {
      for (Iterator<String> it = islands.get(i).fieldNames(); it.hasNext(); ) {
        String field = it.next();
        for (JsonNode v : values) {
          JsonNode copy = tree.deepCopy();
          ObjectNode island = (ObjectNode) copy.get("sites").get(0).get("islands").get(i);
          if (v == null) {
            island.remove(field);
          } else {
            island.set(field, v);
          }
          Path file = withManifest(patched.pad(JSON.writeValueAsBytes(copy)));
          Path out = dir.resolve("restored");
          Files.deleteIfExists(out);
          try {
            Patcher.restore(file, out, PatchWriter.Hooks.NONE);
            assertArrayEquals(want, Files.readAllBytes(out), field + " = " + v);
          } catch (PatchException | ElfException | IOException e) {
            assertFalse(Files.exists(out));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
          }
          Verifier.verify(ElfFile.read(file)); // must not throw
          tried++;
        }
      }
    }
    assertTrue(tried >= 40, "tried " + tried);
  }

  /** The same words with the first one a {@code ret}: code, not padding. */
  private static List<Integer> notPadding(List<Integer> words) {
    List<Integer> out = new ArrayList<>(words);
    out.set(0, 0xD65F03C0);
    return out;
  }

  private Manifest manifest() throws IOException {
    Path file = dir.resolve("read.so");
    Files.write(file, patched.bytes());
    return Manifest.read(ElfFile.read(file)).orElseThrow();
  }

  /** The file with its manifest's sites replaced and the manifest resealed (a careful forger). */
  private Path withSites(Manifest m, List<Manifest.Site> sites) throws IOException {
    Manifest forged = Forgery.withSites(m, sites).sealed();
    return withManifest(patched.pad(forged.toBytes()));
  }

  private Path withManifest(byte[] manifest) throws IOException {
    return patched.withManifest(manifest, dir.resolve("tampered.so"));
  }
}
