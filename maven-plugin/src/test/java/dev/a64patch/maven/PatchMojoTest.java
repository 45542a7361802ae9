package dev.a64patch.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.a64patch.core.patch.Verifier;
import dev.a64patch.core.patch.VerifyReport;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchMojoTest {
  @TempDir Path tmp;
  Fixture fx;
  RecordingLog log = new RecordingLog();

  @BeforeEach
  void setUp() throws Exception {
    fx = new Fixture(tmp);
  }

  @Test
  void patchesAArch64LibrariesInPlaceAndLeavesEverythingElseAlone() throws Exception {
    Path lib = fx.copy("libcounters.so", "lib/linux-aarch64/libcounters.so");
    Path x86 = fx.copy("hello-x86_64", "lib/linux-x86_64/libhello.so");
    Path script =
        Files.writeString(
            fx.classes.resolve("libc.so"), "/* GNU ld script */\nGROUP ( libc.so.6 )\n");
    Path other = Files.writeString(fx.classes.resolve("notes.txt"), "not a library");
    byte[] x86Before = Files.readAllBytes(x86);
    List<Fixture.Read> reads = Fixture.counterReads("libcounters.so");
    assertEquals(6, reads.size(), "READS.tsv lists 4 CNTVCT and 2 CNTPCT reads");
    for (Fixture.Read r : reads) {
      assertEquals(
          r.word(),
          Fixture.word(lib, r.vaddr()),
          "in a shared object .text lies at offset = vaddr");
    }

    fx.patchMojo(log).execute();

    for (Fixture.Read r : reads) {
      assertNotEquals(
          r.word(),
          Fixture.word(lib, r.vaddr()),
          "read at 0x" + Long.toHexString(r.vaddr()) + " rewritten");
    }
    VerifyReport v = Verifier.verify(ElfFile.read(lib));
    assertTrue(v.patched() && v.ok(), v.toString());
    assertEquals(7, v.sites(), "6 counter reads patched, CNTFRQ recorded as left alone");
    assertArrayEquals(x86Before, Files.readAllBytes(x86));
    assertEquals("/* GNU ld script */\nGROUP ( libc.so.6 )\n", Files.readString(script));
    assertEquals("not a library", Files.readString(other));
    String text = log.text();
    assertTrue(
        text.contains(
            "target/classes/lib/linux-aarch64/libcounters.so: patched 6 of 7 read(s) (strategy counter)"),
        text);
    assertTrue(text.contains("target/classes/lib/linux-x86_64/libhello.so: skipped: x86-64"), text);
    assertTrue(text.contains("1 matching file(s) are not ELF"), text);

    JsonNode report =
        new ObjectMapper().readTree(tmp.resolve("target/a64patch/patch.json").toFile());
    assertEquals(1, report.get("files").size());
    JsonNode f = report.get("files").get(0);
    assertEquals("target/classes/lib/linux-aarch64/libcounters.so", f.get("path").asText());
    assertEquals("patched", f.get("result").asText());
    assertEquals("skipped", report.get("problems").get(0).get("kind").asText());
  }

  @Test
  void aSecondBuildLeavesThePatchedFileAsItIs() throws Exception {
    Path lib = fx.copy("libcounters.so", "libcounters.so");
    fx.patchMojo(log).execute();
    byte[] once = Files.readAllBytes(lib);
    long modified = Files.getLastModifiedTime(lib).toMillis();
    RecordingLog second = new RecordingLog();
    fx.patchMojo(second).execute();
    assertArrayEquals(once, Files.readAllBytes(lib));
    assertEquals(modified, Files.getLastModifiedTime(lib).toMillis(), "not even rewritten");
    assertTrue(
        second.text().contains("libcounters.so: already patched with these options; unchanged"),
        second.text());
  }

  @Test
  void otherOptionsRepatchFromTheOriginalNeverOnTopOfThePatch() throws Exception {
    Path lib = fx.copy("libcounters.so", "libcounters.so");
    fx.patchMojo(log).execute();
    PatchMojo zero = fx.patchMojo(log);
    zero.strategy = "zero";
    zero.execute();
    for (Fixture.Read r : Fixture.counterReads("libcounters.so")) {
      int movz = 0xd2800000 | (r.word() & 31); // movz xt, #0
      assertEquals(movz, Fixture.word(lib, r.vaddr()));
    }
    assertTrue(Verifier.verify(ElfFile.read(lib)).ok());
  }

  @Test
  void aMalformedLibraryFailsTheBuildNamingTheFileAndWhy() throws Exception {
    byte[] whole = Files.readAllBytes(TestData.bin("libcounters.so"));
    Files.write(fx.classes.resolve("libbroken.so"), Arrays.copyOf(whole, 200));
    Path good = fx.copy("libcounters.so", "libgood.so");
    MojoFailureException e =
        assertThrows(MojoFailureException.class, () -> fx.patchMojo(log).execute());
    assertTrue(
        e.getMessage().contains("target/classes/libbroken.so: malformed ELF file: "),
        e.getMessage());
    assertTrue(e.getMessage().contains("<excludes>"), "says how to fix it: " + e.getMessage());
    assertTrue(
        Verifier.verify(ElfFile.read(good)).patched(), "the good file is patched all the same");
    JsonNode report =
        new ObjectMapper().readTree(tmp.resolve("target/a64patch/patch.json").toFile());
    assertEquals("bad-input", report.get("problems").get(0).get("kind").asText());
  }

  @Test
  void aRefusedPatchFailsTheBuildWithTheEnginesReasonInPluginTerms() throws Exception {
    Path exe = fx.copy("counters-gcc-nopie", "bin/counters");
    byte[] before = Files.readAllBytes(exe);
    PatchMojo m = fx.patchMojo(log);
    m.includes = List.of("bin/*");
    m.maxPadding = 0;
    MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
    assertTrue(
        e.getMessage()
            .contains(
                "target/classes/bin/counters: patch refused: the new segment must start at file offset"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "allow it with <maxPadding>124944</maxPadding> (-Da64patch.maxPadding=124944)"),
        e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(exe), "nothing written");
  }

  /**
   * Reproducer: the plugin patched a setuid file and dropped the bit without a word, while the
   * command line warns. The build log must carry the same warning, naming the file.
   */
  @Test
  void aSetuidFileIsPatchedWithTheWarningTheCommandLineGives() throws Exception {
    Path lib = fx.copy("libcounters.so", "lib/linux-aarch64/libcounters.so");
    Files.setAttribute(lib, "unix:mode", 04755);
    assertEquals(04755, (int) Files.getAttribute(lib, "unix:mode") & 07777, "setuid set");
    fx.patchMojo(log).execute();
    assertEquals(0755, (int) Files.getAttribute(lib, "unix:mode") & 07777, "setuid dropped");
    assertTrue(
        log.lines.stream()
            .anyMatch(
                l -> l.startsWith("WARN ") && l.contains("libcounters.so") && l.contains("setuid")),
        log.text());
  }

  @Test
  void excludedFilesAndSkipAreLeftAlone() throws Exception {
    Path lib = fx.copy("libcounters.so", "lib/linux-aarch64/libcounters.so");
    byte[] before = Files.readAllBytes(lib);
    PatchMojo m = fx.patchMojo(log);
    m.excludes = List.of("lib/linux-aarch64/");
    m.execute();
    assertArrayEquals(before, Files.readAllBytes(lib));
    assertTrue(log.text().contains("no files match"), log.text());

    PatchMojo skipped = fx.patchMojo(log);
    skipped.skip = true;
    skipped.execute();
    assertArrayEquals(before, Files.readAllBytes(lib));
    assertFalse(Files.exists(tmp.resolve("target/a64patch/patch.json.tmp")));
  }

  @Test
  void dryRunWritesNothingButTheReport() throws Exception {
    Path lib = fx.copy("libcounters.so", "libcounters.so");
    byte[] before = Files.readAllBytes(lib);
    PatchMojo m = fx.patchMojo(log);
    m.dryRun = true;
    m.execute();
    assertArrayEquals(before, Files.readAllBytes(lib));
    assertTrue(log.text().contains("would patch 6 of 7"), log.text());
    JsonNode f =
        new ObjectMapper()
            .readTree(tmp.resolve("target/a64patch/patch.json").toFile())
            .get("files")
            .get(0);
    assertEquals("dry-run", f.get("result").asText());
    assertTrue(f.get("sites").get(0).has("code"), "a dry run reports the trampoline code");
  }

  @Test
  void badParameterValuesNameTheParameterAndTheChoices() {
    PatchMojo m = fx.patchMojo(log);
    m.strategy = "fast";
    MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
    assertEquals(
        "a64patch: strategy: 'fast' is not one of counter, clock, zero, nop", e.getMessage());

    PatchMojo r = fx.patchMojo(log);
    r.registers = "CNTVCT_EL0,bogus";
    e = assertThrows(MojoFailureException.class, r::execute);
    assertTrue(
        e.getMessage().startsWith("a64patch: registers: unknown register 'bogus'"), e.getMessage());

    PatchMojo s = fx.patchMojo(log);
    s.step = 0;
    e = assertThrows(MojoFailureException.class, s::execute);
    assertEquals("a64patch: step must be positive, was 0", e.getMessage());
  }

  @Test
  void registersChooseWhatIsRewritten() throws Exception {
    Path lib = fx.copy("libcounters.so", "libcounters.so");
    PatchMojo m = fx.patchMojo(log);
    m.registers = "cntpct";
    m.execute();
    for (Fixture.Read r : Fixture.counterReads("libcounters.so")) {
      boolean patched = Fixture.word(lib, r.vaddr()) != r.word();
      assertEquals(r.register().equals("CNTPCT_EL0"), patched, r.toString());
    }
  }

  @Test
  void aFileThatCannotBeWrittenIsAnExecutionProblem() throws Exception {
    Path lib = fx.copy("libcounters.so", "libcounters.so");
    byte[] before = Files.readAllBytes(lib);
    // The writer's temporary file name for this process is taken (by a directory): an I/O error
    // that even root gets, unlike a read-only directory.
    Files.createDirectory(
        lib.resolveSibling(".libcounters.so.a64patch." + ProcessHandle.current().pid() + ".tmp"));
    MojoExecutionException e =
        assertThrows(MojoExecutionException.class, () -> fx.patchMojo(log).execute());
    assertTrue(e.getMessage().startsWith("a64patch: could not patch 1 file(s):"), e.getMessage());
    assertTrue(e.getMessage().contains("libcounters.so"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(lib));
  }
}
