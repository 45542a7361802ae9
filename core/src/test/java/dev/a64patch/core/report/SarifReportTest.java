package dev.a64patch.core.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.a64patch.core.batch.BatchOptions;
import dev.a64patch.core.batch.BatchScanner;
import dev.a64patch.core.scan.Confidence;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import dev.a64patch.testing.SarifSchema;
import dev.a64patch.testing.TestTree;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SarifReportTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Relative to the module directory (surefire's working directory), so URIs come out relative. */
  static final Path TREES = Path.of("target", "test-trees", "sarif");

  static TestTree tree;
  static ScanReport report;

  @BeforeAll
  static void scanTree() throws IOException {
    deleteRecursively(TREES);
    tree = TestTree.build(TREES.resolve("tree"));
    report = new BatchScanner(BatchOptions.of(ScanOptions.defaults())).scan(List.of(tree.root()));
  }

  static String sarif(ScanReport r, SarifReport.Options options) throws IOException {
    StringWriter w = new StringWriter();
    SarifReport.write(r, w, options);
    return w.toString();
  }

  @Test
  void treeReportIsValidSarif210() throws IOException {
    String s = sarif(report, new SarifReport.Options(Path.of(""), false));
    assertEquals(List.of(), SarifSchema.violations(s));
    assertEquals(
        List.of(), SarifSchema.violations(sarif(report, new SarifReport.Options(null, true))));
  }

  @Test
  void theSchemaCheckCanFail() throws IOException {
    ObjectNode log = (ObjectNode) JSON.readTree(sarif(report, SarifReport.Options.DEFAULT));
    ObjectNode location =
        (ObjectNode) log.at("/runs/0/results/0/locations/0/physicalLocation/artifactLocation");
    location.put("uri", "not a uri%");
    assertFalse(SarifSchema.violations(log.toString()).isEmpty(), "an invalid URI must be caught");
    ObjectNode noVersion = (ObjectNode) JSON.readTree(sarif(report, SarifReport.Options.DEFAULT));
    noVersion.remove("version");
    assertFalse(
        SarifSchema.violations(noVersion.toString()).isEmpty(), "a missing version must be caught");
    ObjectNode badLevel = (ObjectNode) JSON.readTree(sarif(report, SarifReport.Options.DEFAULT));
    ((ObjectNode) badLevel.at("/runs/0/results/0")).put("level", "severe");
    assertFalse(
        SarifSchema.violations(badLevel.toString()).isEmpty(), "an unknown level must be caught");
  }

  @Test
  void oneRulePerRegisterAndOneResultPerFindingAtItsByteAndAddress() throws IOException {
    JsonNode run = JSON.readTree(sarif(report, SarifReport.Options.DEFAULT)).at("/runs/0");
    JsonNode rules = run.at("/tool/driver/rules");
    assertEquals(SysReg.values().length, rules.size());
    for (SysReg r : SysReg.values()) {
      assertEquals(r.name(), rules.get(r.ordinal()).get("id").asText());
      assertTrue(
          rules.get(r.ordinal()).at("/fullDescription/text").asText().contains(r.description()));
    }
    List<Finding> findings = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (ScanResult r : report.results()) {
      for (Finding f : r.findings()) {
        findings.add(f);
        files.add(r.file());
      }
    }
    JsonNode results = run.get("results");
    assertEquals(findings.size(), results.size());
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      JsonNode res = results.get(i);
      assertEquals(f.register().name(), res.get("ruleId").asText());
      assertEquals(f.register().name(), rules.get(res.get("ruleIndex").asInt()).get("id").asText());
      assertEquals(
          f.confidence() == Confidence.HIGH ? "warning" : "note", res.get("level").asText());
      JsonNode phys = res.at("/locations/0/physicalLocation");
      assertEquals(f.offset(), phys.at("/region/byteOffset").asLong());
      assertEquals(4, phys.at("/region/byteLength").asInt());
      assertEquals(f.address(), phys.at("/address/absoluteAddress").asLong());
      assertEquals(Uris.of(files.get(i), report), phys.at("/artifactLocation/uri").asText());
      String text = res.at("/message/text").asText();
      assertTrue(
          text.contains(f.rtName()) && text.contains(f.register().name().toLowerCase()), text);
      if (f.symbol() != null) {
        assertTrue(text.contains(f.symbol().display()), text);
        JsonNode logical = res.at("/locations/0/logicalLocations/0");
        assertEquals(f.symbol().demangled(), logical.get("fullyQualifiedName").asText());
        assertEquals(
            f.symbol().name(),
            logical.has("decoratedName")
                ? logical.get("decoratedName").asText()
                : logical.get("name").asText());
      }
    }
  }

  @Test
  void everyRuleHasTheHelpObjectGitHubRequires() throws IOException {
    // Microsoft's SARIF multitool, rule GH2012: GitHub Advanced Security requires 'help' on every
    // rule.
    JsonNode rules =
        JSON.readTree(sarif(report, SarifReport.Options.DEFAULT)).at("/runs/0/tool/driver/rules");
    for (JsonNode rule : rules) {
      assertFalse(rule.at("/help/text").asText().isBlank(), rule.toString());
      assertTrue(
          rule.at("/help/markdown").asText().contains(rule.get("id").asText()), rule.toString());
    }
  }

  @Test
  void relativeUrisResolveAgainstSrcrootToTheFilesScanned() throws IOException {
    JsonNode run =
        JSON.readTree(sarif(report, new SarifReport.Options(Path.of(""), false))).at("/runs/0");
    URI base = URI.create(run.at("/originalUriBaseIds/%SRCROOT%/uri").asText());
    assertEquals(Path.of("").toAbsolutePath().toUri(), base);
    for (JsonNode a : run.get("artifacts")) {
      String uri = a.at("/location/uri").asText();
      assertEquals(SarifReport.SRCROOT, a.at("/location/uriBaseId").asText(), uri);
      assertFalse(URI.create(uri).isAbsolute(), uri);
      String onDisk = uri.contains("!/") ? uri.substring(0, uri.indexOf("!/")) : uri;
      assertTrue(Files.isRegularFile(Path.of(base.resolve(onDisk))), uri + " resolves to no file");
    }
  }

  @Test
  void archiveEntriesNameTheirArchiveAsParentArtifact() throws IOException {
    JsonNode artifacts =
        JSON.readTree(sarif(report, SarifReport.Options.DEFAULT)).at("/runs/0/artifacts");
    String bundle = tree.root().resolve("jars/bundle.zip").toString();
    String deepest = bundle + "!/inner.jar!/lib/arm64-v8a/libcounters-clang.so";
    int i = indexOf(artifacts, Uris.of(deepest, report));
    assertEquals(
        Uris.of(bundle, report) + "!/inner.jar!/lib/arm64-v8a/libcounters-clang.so",
        artifacts.get(i).at("/location/uri").asText());
    int inner = artifacts.get(i).get("parentIndex").asInt();
    assertEquals(
        Uris.of(bundle, report) + "!/inner.jar", artifacts.get(inner).at("/location/uri").asText());
    int outer = artifacts.get(inner).get("parentIndex").asInt();
    assertEquals(Uris.of(bundle, report), artifacts.get(outer).at("/location/uri").asText());
    assertFalse(artifacts.get(outer).has("parentIndex"));
  }

  @Test
  void skippedAndBrokenFilesBecomeNotifications() throws IOException {
    JsonNode inv =
        JSON.readTree(sarif(report, SarifReport.Options.DEFAULT)).at("/runs/0/invocations/0");
    assertFalse(inv.get("executionSuccessful").asBoolean(), "the tree holds malformed files");
    JsonNode notes = inv.get("toolExecutionNotifications");
    assertEquals(report.problems().size(), notes.size());
    long errors =
        Stream.iterate(0, i -> i + 1)
            .limit(notes.size())
            .filter(i -> notes.get(i).get("level").asText().equals("error"))
            .count();
    assertEquals(tree.badInput().size(), errors);
  }

  @Test
  void startLineReplacesTheByteRegionAndLocatesEntriesAtTheirArchive() throws IOException {
    JsonNode results =
        JSON.readTree(sarif(report, new SarifReport.Options(null, true))).at("/runs/0/results");
    int entries = 0;
    for (JsonNode res : results) {
      JsonNode phys = res.at("/locations/0/physicalLocation");
      assertEquals(1, phys.at("/region/startLine").asInt());
      assertFalse(
          phys.get("region").has("byteOffset"),
          "text and byte properties must not describe different bytes");
      String path = res.at("/properties/path").asText();
      String uri = phys.at("/artifactLocation/uri").asText();
      assertFalse(uri.contains("!/"), "a repository has no file for an archive entry: " + uri);
      if (report.entry(path).isPresent()) {
        entries++;
        String onDisk = path.substring(0, path.indexOf("!/")); // no directory of the tree has a '!'
        assertEquals(Uris.of(onDisk, report), uri, path);
        assertTrue(
            res.at("/message/text").asText().startsWith(report.entry(path).get().entry() + ": "),
            path);
      }
    }
    assertEquals(3 * 7, entries, "three libcounters*.so entries of 7 reads each");
  }

  static int indexOf(JsonNode artifacts, String uri) {
    for (int i = 0; i < artifacts.size(); i++) {
      if (artifacts.get(i).at("/location/uri").asText().equals(uri)) {
        return i;
      }
    }
    throw new AssertionError(uri + " not among " + artifacts);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) { // does not follow links
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
