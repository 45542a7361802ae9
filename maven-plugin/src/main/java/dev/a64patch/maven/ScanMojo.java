package dev.a64patch.maven;

import dev.a64patch.core.batch.BatchOptions;
import dev.a64patch.core.batch.BatchScanner;
import dev.a64patch.core.batch.FindingGate;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.report.CsvReport;
import dev.a64patch.core.report.FileProblem;
import dev.a64patch.core.report.JsonReport;
import dev.a64patch.core.report.SarifReport;
import dev.a64patch.core.report.ScanReport;
import dev.a64patch.core.report.TextReport;
import dev.a64patch.core.scan.Finding;
import dev.a64patch.core.scan.ScanOptions;
import dev.a64patch.core.scan.ScanResult;
import dev.a64patch.core.scan.SysReg;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Scans the native files of the build (and the ELF entries of selected JAR, ZIP, AAR and APK
 * archives) for reads of the counter registers, writes the reports and, with {@link
 * #failOnFindings}, fails the build while such reads remain. Reuses the batch scanner of {@code
 * a64patch scan}: ELF files for other machines are skipped, files that are not ELF are counted,
 * archives are searched, files are scanned in parallel.
 */
@Mojo(name = "scan", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class ScanMojo extends AbstractA64PatchMojo {
  /** Reads listed in the failure message; the reports have them all. */
  static final int LISTED = 20;

  /**
   * Registers looked for, reported and counted, comma-separated: {@code counters} (the four
   * counters the {@code patch} goal rewrites), {@code all} or names such as {@code
   * CNTVCT_EL0,CNTFRQ_EL0}.
   */
  @Parameter(property = "a64patch.registers", defaultValue = "counters")
  String registers;

  /** Fail the build when a counted read is found. With {@code false} the goal only reports. */
  @Parameter(property = "a64patch.failOnFindings", defaultValue = "true")
  boolean failOnFindings;

  /**
   * Count reads the scanner is not sure of (outside any function, in {@code $d} data, no section
   * headers, ...) too. By default only high-confidence reads count: those {@code patch} rewrites.
   */
  @Parameter(property = "a64patch.failOnUncertain", defaultValue = "false")
  boolean failOnUncertain;

  /**
   * Reports written into {@link #reportDirectory}: any of {@code json}, {@code sarif}, {@code csv}
   * ({@code scan.<format>}).
   */
  @Parameter(property = "a64patch.formats", defaultValue = "json,sarif")
  List<String> formats;

  /** Files scanned in parallel; 0 means one per processor. */
  @Parameter(property = "a64patch.jobs", defaultValue = "0")
  int jobs;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("a64patch: scan skipped (a64patch.skip)");
      return;
    }
    Set<SysReg> counted = registers("registers", registers, SysReg.counters());
    Set<String> reports = formats();
    if (jobs < 0) {
      throw new MojoFailureException(
          "a64patch: jobs must be >= 0 (0: one per processor), was " + jobs);
    }
    List<Path> roots = roots();
    Globs globs = globs();
    ScanReport report;
    try {
      BatchOptions options = BatchOptions.of(new ScanOptions(counted, 0));
      if (jobs > 0) {
        options = options.withJobs(jobs);
      }
      report =
          relative(
              new BatchScanner(options)
                  .scan(
                      roots,
                      p -> globs.matches(relativeToRoot(roots, p)),
                      dev.a64patch.core.batch.BatchProgress.NONE));
    } catch (RuntimeException e) {
      throw new MojoExecutionException(
          "a64patch: internal error while scanning (a bug in a64patch, please report it): "
              + e.getMessage(),
          e);
    }
    List<Path> written = write(report, reports);
    log(report);
    FindingGate gate = new FindingGate(counted, failOnUncertain);
    List<FileProblem> unreadable =
        report.errors().stream().filter(p -> !p.kind().userFixable()).toList();
    if (!unreadable.isEmpty()) {
      throw new MojoExecutionException(
          message(
              "a64patch: could not read " + unreadable.size() + " file(s):",
              unreadable.stream().map(FileProblem::message).toList(),
              "Check that the files are readable; run with -X for details.",
              written));
    }
    List<String> failures = new ArrayList<>();
    Set<String> fixes = new LinkedHashSet<>();
    for (FileProblem p : report.errors()) {
      failures.add(p.message());
      fixes.add(
          "Replace a malformed file with a good build of it, or leave it out with <excludes> (-Da64patch.excludes=...).");
    }
    long matched = gate.count(report);
    if (matched > 0) {
      failures.addAll(listing(report, gate));
      fixes.add(
          "Add the patch goal of a64patch-maven-plugin to this build (it runs at prepare-package and rewrites "
              + "these reads), or set <failOnFindings>false</failOnFindings> (-Da64patch.failOnFindings=false) "
              + "to only report them.");
    }
    if (!report.errors().isEmpty() || (matched > 0 && failOnFindings)) {
      String heading =
          matched > 0
              ? String.format(
                  "a64patch: %d %s read(s) in %d file(s) would break rr record/replay:",
                  matched, describe(counted), filesMatching(report, gate))
              : "a64patch: cannot scan " + report.errors().size() + " file(s):";
      throw new MojoFailureException(
          message(heading, failures, String.join(System.lineSeparator(), fixes), written));
    }
    if (matched > 0) {
      getLog()
          .warn(
              String.format(
                  "a64patch: %d %s read(s) remain (a64patch.failOnFindings=false); see %s",
                  matched, describe(counted), written));
    }
  }

  private List<Path> roots() {
    List<Path> out = new ArrayList<>();
    for (File d : directories == null ? List.<File>of() : directories) {
      Path dir = absolute(d);
      if (Files.isDirectory(dir)) {
        out.add(dir);
      } else {
        getLog()
            .debug(
                "a64patch: " + dir + " does not exist or is not a directory; nothing to do there");
      }
    }
    return out;
  }

  private Globs globs() {
    return new Globs(
        includes == null || includes.isEmpty() ? List.of("**/*.so*") : includes, excludes);
  }

  private static String relativeToRoot(List<Path> roots, Path p) {
    Path best = null;
    for (Path r : roots) {
      if (p.startsWith(r) && (best == null || r.getNameCount() > best.getNameCount())) {
        best = r;
      }
    }
    return best == null ? p.toString() : best.relativize(p).toString();
  }

  /**
   * The report with every path named relative to the project directory, as the SARIF source root
   * expects.
   */
  private ScanReport relative(ScanReport r) {
    return r.withPaths(path -> path.startsWith("/") ? display(Path.of(path)) : path);
  }

  private Set<String> formats() throws MojoFailureException {
    Set<String> out = new LinkedHashSet<>();
    for (String f : formats == null ? List.<String>of() : formats) {
      String n = f.trim().toLowerCase(Locale.ROOT);
      if (n.isEmpty()) {
        continue;
      }
      if (!Set.of("json", "sarif", "csv").contains(n)) {
        throw new MojoFailureException(
            "a64patch: formats: '" + f + "' is not one of json, sarif, csv");
      }
      out.add(n);
    }
    return out;
  }

  private List<Path> write(ScanReport report, Set<String> reports) throws MojoExecutionException {
    List<Path> written = new ArrayList<>();
    if (reports.isEmpty()) {
      return written;
    }
    Path dir = reportDir();
    for (String format : reports) {
      Path out = dir.resolve("scan." + format);
      Path tmp = dir.resolve(".scan." + format + ".tmp");
      try {
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          switch (format) {
            case "json" -> JsonReport.write(report, w);
            case "sarif" ->
                SarifReport.write(report, w, new SarifReport.Options(basedir.toPath(), false));
            default -> {
              PrintWriter pw = new PrintWriter(w);
              CsvReport.write(report, pw);
              pw.flush();
            }
          }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new MojoExecutionException("a64patch: cannot write " + out + ": " + e, e);
      }
      written.add(out);
    }
    return written;
  }

  private void log(ScanReport report) {
    if (report.results().isEmpty() && report.problems().isEmpty()) {
      getLog()
          .info(
              "a64patch: no AArch64 files match "
                  + includes
                  + " in "
                  + directories
                  + (report.nonElf() > 0
                      ? " (" + report.nonElf() + " matching file(s) are not ELF)"
                      : ""));
      return;
    }
    for (ScanResult r : report.results()) {
      getLog().info("a64patch: " + TextReport.summary(r));
    }
    for (FileProblem p : report.problems()) {
      if (p.kind() == FailureKind.SKIPPED) {
        String m = p.message();
        getLog()
            .info(
                "a64patch: "
                    + (m.startsWith(p.path() + ": ")
                        ? p.path() + ": skipped: " + m.substring(p.path().length() + 2)
                        : "skipped: " + m));
      } else {
        getLog().error("a64patch: " + p.message());
      }
    }
  }

  private static List<String> listing(ScanReport report, FindingGate gate) {
    List<String> out = new ArrayList<>();
    long total = gate.count(report);
    for (ScanResult r : report.results()) {
      for (Finding f : r.findings()) {
        if (gate.matches(f) && out.size() < LISTED) {
          out.add(
              String.format(
                  "%s: 0x%x %s %s%s",
                  r.file(),
                  f.address(),
                  f.register(),
                  f.rtName(),
                  f.symbol() == null ? "" : " in " + f.symbol().display()));
        }
      }
    }
    if (total > out.size()) {
      out.add("... and " + (total - out.size()) + " more (see the reports)");
    }
    return out;
  }

  private static long filesMatching(ScanReport report, FindingGate gate) {
    return report.results().stream()
        .filter(r -> r.findings().stream().anyMatch(gate::matches))
        .count();
  }

  private static String describe(Set<SysReg> registers) {
    return registers.equals(SysReg.counters()) ? "counter" : "selected register";
  }
}
