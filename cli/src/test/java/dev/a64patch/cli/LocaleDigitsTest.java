package dev.a64patch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bug: under a locale whose digits are not ASCII (ar-EG), the text report printed its counts in
 * Arabic-Indic digits ("reads: ٥٤ (٥٣ high, ١ uncertain)") next to ASCII ones, because the report
 * formats with String.format and the JVM's default locale. Reports are data: ASCII digits always.
 * Bug: patch's report still did in the lines it prints with printf ("left alone: ٢ CNTFRQ_EL0
 * read(s)"), which formats in the default locale, not the FORMAT category's that Main had set.
 */
class LocaleDigitsTest {
  @TempDir Path dir;

  @Test
  void anArabicLocaleStillGetsAsciiDigits() throws Exception {
    String report = underArabicLocale("scan", TestData.bin("counters-gcc-pie").toString());
    assertTrue(report.contains("reads:"), report);
  }

  @Test
  void patchUnderAnArabicLocaleStillPrintsAsciiDigitsInItsPrintfLines() throws Exception {
    String report =
        underArabicLocale(
            "patch",
            "-o",
            dir.resolve("patched").toString(),
            TestData.bin("counters-gcc-pie").toString());
    assertTrue(report.contains("left alone: 2 CNTFRQ_EL0 read(s)"), report);
  }

  /** The standard output of {@code a64patch ARGS} in a JVM whose locale is ar-EG, all ASCII. */
  private String underArabicLocale(String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = dir.resolve("out");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Duser.language=ar",
                "-Duser.country=EG",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("err").toFile())
            .start();
    assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err")));
    String report = Files.readString(out);
    assertTrue(
        report.chars().noneMatch(c -> Character.isDigit(c) && (c < '0' || c > '9')),
        "non-ASCII digits in:\n" + report);
    return report;
  }
}
