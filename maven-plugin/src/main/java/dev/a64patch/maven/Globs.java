package dev.a64patch.maven;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Ant-style include/exclude patterns, as Maven users know them from resources and surefire: {@code
 * **} matches any number of directories (also none), {@code *} any characters but {@code /}, {@code
 * ?} one such character; a pattern ending in {@code /} means everything below. Paths are matched
 * relative to the directory searched, with {@code /} separators.
 */
final class Globs {
  private final List<Pattern> includes;
  private final List<Pattern> excludes;

  Globs(List<String> includes, List<String> excludes) {
    this.includes = compileAll(includes);
    this.excludes = compileAll(excludes);
  }

  boolean matches(String relativePath) {
    String p = relativePath.replace('\\', '/');
    return includes.stream().anyMatch(r -> r.matcher(p).matches())
        && excludes.stream().noneMatch(r -> r.matcher(p).matches());
  }

  /**
   * Regular files under {@code dir} whose relative path matches, sorted. Symbolic links are not
   * followed and not returned: patching through a link would replace the link with a file; the file
   * it points to is patched under its own name when that matches.
   */
  List<Path> find(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && matches(dir.relativize(file).toString())) {
              out.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    out.sort(null);
    return out;
  }

  private static List<Pattern> compileAll(List<String> globs) {
    List<Pattern> out = new ArrayList<>();
    if (globs != null) {
      for (String g : globs) {
        if (g != null && !g.isBlank()) {
          out.add(compile(g.trim()));
        }
      }
    }
    return out;
  }

  static Pattern compile(String glob) {
    String g = glob.replace('\\', '/');
    if (g.endsWith("/")) {
      g = g + "**";
    }
    while (g.startsWith("/")) {
      g = g.substring(1);
    }
    StringBuilder re = new StringBuilder();
    for (int i = 0; i < g.length(); i++) {
      char c = g.charAt(i);
      if (c == '*' && i + 1 < g.length() && g.charAt(i + 1) == '*') {
        boolean slashAfter = i + 2 < g.length() && g.charAt(i + 2) == '/';
        re.append(slashAfter ? "(?:.*/)?" : ".*");
        i += slashAfter ? 2 : 1;
      } else if (c == '*') {
        re.append("[^/]*");
      } else if (c == '?') {
        re.append("[^/]");
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
