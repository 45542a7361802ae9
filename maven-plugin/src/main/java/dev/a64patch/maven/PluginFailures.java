package dev.a64patch.maven;

import dev.a64patch.core.failure.A64PatchException;
import dev.a64patch.core.failure.FailureKind;
import dev.a64patch.core.failure.Failures;
import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.failure.SettingException;
import dev.a64patch.elf.ElfException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Renders core's failures in the plugin's terms: settings as parameters ({@code
 * <maxPadding>N</maxPadding> (-Da64patch.maxPadding=N)}), what the user can do about each kind.
 * Core classifies ({@link Failures}); this class only words.
 */
final class PluginFailures {
  private PluginFailures() {}

  /** The reason without the file name, with the remedy in parameter terms. */
  static String reason(String file, Throwable e) {
    String m = Failures.describe(e);
    if (e instanceof A64PatchException a) {
      m = a.reason();
    } else if (e instanceof ElfException x) {
      m = x.reason();
    } else if (m.startsWith(file + ": ")) {
      m = m.substring(file.length() + 2);
    }
    if (e instanceof A64PatchException a && a.remedy().isPresent()) {
      String joint = "; ";
      for (Remedy r = a.remedy().get(); r != null; r = r.next()) {
        String p = parameter(r.setting());
        m +=
            String.format(
                "%s%s <%s>%s</%s> (-Da64patch.%s=%s)",
                joint, r.verb(), p, String.join("|", r.values()), p, p, r.values().get(0));
        joint = " and ";
      }
    }
    return m;
  }

  /** What the build failure message calls a file of this kind. */
  static String label(FailureKind kind) {
    return switch (kind) {
      case BAD_INPUT -> "malformed ELF file";
      case REFUSED -> "patch refused";
      case INTERNAL -> "internal error (a bug in a64patch, please report it)";
      default -> kind.id().replace('-', ' ');
    };
  }

  /** How to fix a user-fixable kind, for the build failure message. */
  static String fix(FailureKind kind) {
    return switch (kind) {
      case BAD_INPUT ->
          "Replace a malformed file with a good build of it, or leave it out with <excludes> "
              + "(-Da64patch.excludes=...).";
      case REFUSED ->
          "A refused file is left as it was; the reason says which parameter changes that, or leave"
              + " it out with <excludes> (-Da64patch.excludes=...).";
      case VERIFY_FAILED ->
          "Rebuild the file from a clean original (or 'a64patch restore' it) and build again.";
      default -> "Check that the files are readable and writable; run with -X for details.";
    };
  }

  /** A bad parameter value: "a64patch: step must be positive, was 0". */
  static MojoFailureException usage(SettingException e) {
    return new MojoFailureException("a64patch: " + parameter(e.setting()) + " " + e.reason());
  }

  /** The parameter that sets {@code s}: {@code MAX_PADDING} is {@code maxPadding}. */
  static String parameter(Setting s) {
    StringBuilder b = new StringBuilder();
    for (String part : s.name().toLowerCase(java.util.Locale.ROOT).split("_")) {
      b.append(b.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
    }
    return b.toString();
  }
}
