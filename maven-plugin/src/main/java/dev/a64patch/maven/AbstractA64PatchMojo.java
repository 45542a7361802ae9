package dev.a64patch.maven;

import dev.a64patch.core.Names;
import dev.a64patch.core.scan.SysReg;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the {@code scan} and {@code patch} goals share: where to look, what to report, {@code skip}.
 */
abstract class AbstractA64PatchMojo extends AbstractMojo {
  /** Skips the goal. */
  @Parameter(property = "a64patch.skip", defaultValue = "false")
  boolean skip;

  /**
   * Directories searched (recursively) for native files. Relative paths are resolved against the
   * project directory; a directory that does not exist is ignored (e.g. a project without classes).
   */
  @Parameter(property = "a64patch.directories", defaultValue = "${project.build.outputDirectory}")
  List<File> directories;

  /**
   * Ant-style patterns, relative to each directory, of the files to take ({@code **} any
   * directories, {@code *} any name characters). The default takes shared libraries, versioned ones
   * included.
   */
  @Parameter(property = "a64patch.includes", defaultValue = "**/*.so*")
  List<String> includes;

  /** Ant-style patterns of files to leave out, applied after {@link #includes}. */
  @Parameter(property = "a64patch.excludes")
  List<String> excludes;

  /** Where the reports are written. */
  @Parameter(
      property = "a64patch.reportDirectory",
      defaultValue = "${project.build.directory}/a64patch")
  File reportDirectory;

  /** The project directory: reports name files relative to it. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /**
   * The files of {@link #directories} that the include/exclude patterns select, in a stable order.
   */
  List<Path> selectedFiles() throws MojoExecutionException {
    Globs globs =
        new Globs(
            includes == null || includes.isEmpty() ? List.of("**/*.so*") : includes, excludes);
    List<Path> out = new ArrayList<>();
    for (File d : directories == null ? List.<File>of() : directories) {
      Path dir = absolute(d);
      if (!Files.isDirectory(dir)) {
        getLog()
            .debug(
                "a64patch: " + dir + " does not exist or is not a directory; nothing to do there");
        continue;
      }
      try {
        for (Path p : globs.find(dir)) {
          if (!out.contains(p)) {
            out.add(p);
          }
        }
      } catch (IOException e) {
        throw new MojoExecutionException("a64patch: cannot list " + dir + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  Path absolute(File f) {
    Path p = f.toPath();
    return p.isAbsolute() || basedir == null
        ? p.toAbsolutePath().normalize()
        : basedir.toPath().resolve(p).normalize();
  }

  /**
   * {@code file} relative to the project directory when it lies inside it, for messages and
   * reports.
   */
  String display(Path file) {
    if (basedir != null) {
      Path base = basedir.toPath().toAbsolutePath().normalize();
      if (file.startsWith(base)) {
        return base.relativize(file).toString();
      }
    }
    return file.toString();
  }

  Path reportDir() throws MojoExecutionException {
    Path dir = absolute(reportDirectory);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new MojoExecutionException(
          "a64patch: cannot create the report directory " + dir + ": " + e, e);
    }
    return dir;
  }

  /**
   * {@code all}, {@code counters} or register names ({@code CNTVCT_EL0}, {@code cntvct}),
   * comma-separated; null or blank gives {@code fallback}.
   */
  static Set<SysReg> registers(String parameter, String value, Set<SysReg> fallback)
      throws MojoFailureException {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Set<SysReg> out;
    try {
      out = SysReg.parseList(value);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("a64patch: " + parameter + ": " + e.getMessage());
    }
    return out.isEmpty() ? fallback : out;
  }

  /**
   * Parses an enum parameter such as {@code strategy}, naming the accepted values when it is wrong.
   */
  static <E extends Enum<E>> E choice(String parameter, String value, Class<E> type)
      throws MojoFailureException {
    try {
      return Names.parse(type, value == null ? "" : value);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("a64patch: " + parameter + ": " + e.getMessage());
    }
  }

  /**
   * A failure message: the heading, one indented line per item, how to fix it, where the reports
   * are.
   */
  static String message(String heading, List<String> lines, String fix, List<Path> reports) {
    String nl = System.lineSeparator();
    StringBuilder b = new StringBuilder(heading);
    for (String l : lines) {
      b.append(nl).append("  ").append(l);
    }
    b.append(nl).append(fix);
    if (!reports.isEmpty()) {
      b.append(nl)
          .append(reports.size() == 1 ? "Report: " : "Reports: ")
          .append(reports.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    return b.toString();
  }
}
