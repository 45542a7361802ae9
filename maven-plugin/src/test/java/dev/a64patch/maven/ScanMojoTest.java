package dev.a64patch.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanMojoTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Fixture fx;
  RecordingLog log = new RecordingLog();

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture(tmp);
  }

  ScanMojo scanMojo() {
    ScanMojo m = fx.configure(new ScanMojo(), log);
    m.registers = "counters";
    m.failOnFindings = true;
    m.formats = List.of("json", "sarif");
    m.jobs = 2;
    return m;
  }

  JsonNode report(String name) throws Exception {
    return JSON.readTree(tmp.resolve("target/a64patch").resolve(name).toFile());
  }

  @Test
  void unpatchedCounterReadsFailTheBuildSayingWhereAndHowToFixIt() throws Exception {
    fx.copy("libcounters.so", "lib/linux-aarch64/libcounters.so");
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> scanMojo().execute());
    String m = e.getMessage();
    assertTrue(
        m.startsWith("a64patch: 6 counter read(s) in 1 file(s) would break rr record/replay:"), m);
    assertTrue(
        m.contains(
            "target/classes/lib/linux-aarch64/libcounters.so: 0x5d0 CNTVCT_EL0 x0 in lc_vct_x0"),
        m);
    assertTrue(
        m.contains(
            "target/classes/lib/linux-aarch64/libcounters.so: 0x630 CNTPCT_EL0 x17 in lc_pct_x17"),
        m);
    assertTrue(m.contains("Add the patch goal"), m);
    assertTrue(m.contains("-Da64patch.failOnFindings=false"), m);
    assertFalse(m.contains("CNTFRQ"), "CNTFRQ_EL0 is not a counter: " + m);

    // The reports agree with objdump's list (READS.tsv): the six counter reads, by address.
    List<String> expected =
        Fixture.counterReads("libcounters.so").stream()
            .map(r -> "0x" + Long.toHexString(r.vaddr()))
            .toList();
    JsonNode json = report("scan.json");
    JsonNode findings = json.get("files").get(0).get("findings");
    assertEquals(
        "target/classes/lib/linux-aarch64/libcounters.so",
        json.get("files").get(0).get("path").asText());
    assertEquals(expected, findings.findValuesAsText("address"));
    JsonNode sarif = report("scan.sarif");
    assertEquals("2.1.0", sarif.get("version").asText());
    JsonNode results = sarif.get("runs").get(0).get("results");
    assertEquals(6, results.size());
    assertEquals("CNTVCT_EL0", results.get(0).get("ruleId").asText());
    assertTrue(
        sarif.toString().contains("target/classes/lib/linux-aarch64/libcounters.so"),
        "a path relative to the project");
  }

  @Test
  void withFailOnFindingsOffTheGoalOnlyReports() throws Exception {
    fx.copy("libcounters.so", "libcounters.so");
    ScanMojo m = scanMojo();
    m.failOnFindings = false;
    m.formats = List.of("csv");
    m.execute();
    assertTrue(
        log.text()
            .contains("WARN a64patch: 6 counter read(s) remain (a64patch.failOnFindings=false)"),
        log.text());
    assertEquals(
        7,
        Files.readAllLines(tmp.resolve("target/a64patch/scan.csv")).size(),
        "a header and 6 rows");
    assertFalse(Files.exists(tmp.resolve("target/a64patch/scan.json")));
  }

  @Test
  void afterThePatchGoalTheScanPassesAndAllRegistersStillSeeCntfrq() throws Exception {
    fx.copy("libcounters.so", "libcounters.so");
    fx.patchMojo(log).execute();
    scanMojo().execute();
    assertTrue(log.text().contains("target/classes/libcounters.so: "), log.text());
    assertEquals(0, report("scan.json").get("summary").get("findings").asInt());

    ScanMojo all = scanMojo();
    all.registers = "all";
    MojoFailureException e = assertThrows(MojoFailureException.class, all::execute);
    assertTrue(e.getMessage().contains("1 selected register read(s) in 1 file(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("0x610 CNTFRQ_EL0 x0 in lc_frq"), e.getMessage());
  }

  @Test
  void archivesSelectedByThePatternsAreSearched() throws Exception {
    Path jar = fx.classes.resolve("../app.jar").normalize();
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(jar))) {
      z.putNextEntry(new ZipEntry("lib/linux-aarch64/libcounters.so"));
      z.write(Files.readAllBytes(TestData.bin("libcounters.so")));
      z.closeEntry();
    }
    ScanMojo m = scanMojo();
    m.directories = List.of(tmp.resolve("target").toFile());
    m.includes = List.of("*.jar");
    MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
    assertTrue(
        e.getMessage()
            .contains("target/app.jar!/lib/linux-aarch64/libcounters.so: 0x5d0 CNTVCT_EL0 x0"),
        e.getMessage());
  }

  @Test
  void otherMachinesAreSkippedNonElfIsCountedAndMalformedFails() throws Exception {
    fx.copy("hello-x86_64", "lib/linux-x86_64/libhello.so");
    Files.writeString(fx.classes.resolve("libc.so"), "GROUP ( libc.so.6 )\n");
    ScanMojo m = scanMojo();
    m.execute();
    assertTrue(
        log.text()
            .contains("a64patch: target/classes/lib/linux-x86_64/libhello.so: skipped: x86-64"),
        log.text());
    assertEquals(1, report("scan.json").get("summary").get("nonElf").asInt());

    byte[] whole = Files.readAllBytes(TestData.bin("libcounters.so"));
    Files.write(fx.classes.resolve("libbroken.so"), Arrays.copyOf(whole, 200));
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> scanMojo().execute());
    assertTrue(e.getMessage().startsWith("a64patch: cannot scan"), e.getMessage());
    assertTrue(e.getMessage().contains("target/classes/libbroken.so: "), e.getMessage());
    assertTrue(e.getMessage().contains("<excludes>"), e.getMessage());
  }

  @Test
  void skipNoFilesAndBadParameters() throws Exception {
    fx.copy("libcounters.so", "libcounters.so");
    ScanMojo s = scanMojo();
    s.skip = true;
    s.execute();
    assertFalse(Files.exists(tmp.resolve("target/a64patch")));

    ScanMojo none = scanMojo();
    none.includes = List.of("**/*.dylib");
    none.execute();
    assertTrue(log.text().contains("a64patch: no AArch64 files match [**/*.dylib]"), log.text());
    assertEquals(0, report("scan.json").get("files").size());

    ScanMojo bad = scanMojo();
    bad.formats = List.of("json", "html");
    MojoFailureException e = assertThrows(MojoFailureException.class, bad::execute);
    assertEquals("a64patch: formats: 'html' is not one of json, sarif, csv", e.getMessage());
  }
}
