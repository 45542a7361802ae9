package dev.a64patch.core.closure;

import dev.a64patch.core.closure.Closure.Loaded;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code a64patch doctor}: what decides whether rr will replay a program on this host. Every fact
 * comes from a {@link Host}, so tests can give it a made-up /proc.
 */
public final class Doctor {
  private Doctor() {}

  /** Where the facts come from. */
  public interface Host {
    /** The kernel release (uname -r). */
    String kernelRelease();

    /** The machine (os.arch). */
    String arch();

    /** The text of a /proc file, e.g. "cpuinfo" or "sys/kernel/perf_event_paranoid". */
    Optional<String> proc(String path);

    /** The output of {@code program args} (stdout and stderr), if it is installed and runs. */
    Optional<String> output(List<String> argv);

    /** This machine, with /proc at {@code procDir}. */
    static Host of(Path procDir, Function<List<String>, Optional<String>> run) {
      return new Host() {
        @Override
        public String kernelRelease() {
          return proc("sys/kernel/osrelease")
              .map(String::trim)
              .orElse(System.getProperty("os.version"));
        }

        @Override
        public String arch() {
          return System.getProperty("os.arch");
        }

        @Override
        public Optional<String> proc(String path) {
          try {
            return Optional.of(Files.readString(procDir.resolve(path)));
          } catch (IOException e) {
            return Optional.empty();
          }
        }

        @Override
        public Optional<String> output(List<String> argv) {
          return run.apply(argv);
        }
      };
    }
  }

  public enum Status {
    OK,
    NOTE,
    WARN,
    FAIL
  }

  /** One finding: a topic, its status, and what it means for recording. */
  public record Check(String topic, Status status, String message) {}

  /** The first version at which Linux traps counter reads for rr (PR_SET_TSC on arm64). */
  static final int[] TRAP_KERNEL = {6, 12};

  public static List<Check> host(Host h) {
    List<Check> out = new ArrayList<>();
    out.add(isArm64(h.arch()) ? kernel(h.kernelRelease()) : foreignKernel(h));
    out.add(lse(h));
    out.add(rr(h));
    out.add(paranoid(h));
    return out;
  }

  static boolean isArm64(String arch) {
    return arch.equals("aarch64") || arch.equals("arm64");
  }

  static Check foreignKernel(Host h) {
    return new Check(
        "kernel",
        Status.NOTE,
        h.kernelRelease()
            + " on "
            + h.arch()
            + ": what counts is the kernel of the arm64 machine that records (before 6.12 it cannot"
            + " trap counter reads, so every reading object must be patched; from 6.12 patching"
            + " saves one trap per read)");
  }

  static Check kernel(String release) {
    Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
    if (!m.find()) {
      return new Check("kernel", Status.WARN, release + ": version not understood");
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    boolean traps = major > TRAP_KERNEL[0] || (major == TRAP_KERNEL[0] && minor >= TRAP_KERNEL[1]);
    return traps
        ? new Check(
            "kernel",
            Status.OK,
            release
                + ": traps counter reads for rr itself (6.12+); patching still saves one trap, a ptrace"
                + " round trip, per read")
        : new Check(
            "kernel",
            Status.WARN,
            release
                + ": older than 6.12, cannot trap counter reads: rr replays diverge unless every"
                + " object that reads the counter is patched");
  }

  static Check lse(Host h) {
    Optional<String> cpuinfo = h.proc("cpuinfo");
    String arch = h.arch();
    if (!isArm64(arch)) {
      return new Check(
          "LSE atomics",
          Status.NOTE,
          "host is "
              + arch
              + ": the arm64 machine that runs the program needs LSE (ARMv8.1) for the counter"
              + " strategy; qemu-aarch64's default cpu has it");
    }
    if (cpuinfo.isEmpty()) {
      return new Check("LSE atomics", Status.WARN, "/proc/cpuinfo unreadable: unknown");
    }
    boolean atomics =
        cpuinfo
            .get()
            .lines()
            .filter(l -> l.startsWith("Features"))
            .anyMatch(
                l ->
                    List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                        .contains("atomics"));
    return atomics
        ? new Check("LSE atomics", Status.OK, "yes (HWCAP_ATOMICS): the counter strategy works")
        : new Check(
            "LSE atomics",
            Status.FAIL,
            "no (an ARMv8.0 core): the counter strategy needs LDADD; use --strategy clock, zero or nop");
  }

  static Check rr(Host h) {
    Optional<String> v = h.output(List.of("rr", "--version"));
    if (v.isEmpty()) {
      return new Check("rr", Status.FAIL, "not installed (Debian: apt-get install rr)");
    }
    return new Check("rr", Status.OK, v.get().lines().findFirst().orElse("").trim());
  }

  static Check paranoid(Host h) {
    Optional<String> p = h.proc("sys/kernel/perf_event_paranoid");
    if (p.isEmpty()) {
      return new Check("perf_event_paranoid", Status.WARN, "unreadable: rr needs perf events");
    }
    int level;
    try {
      level = Integer.parseInt(p.get().trim());
    } catch (NumberFormatException e) {
      return new Check("perf_event_paranoid", Status.WARN, p.get().trim() + ": not a number");
    }
    return level <= 1
        ? new Check("perf_event_paranoid", Status.OK, level + " (rr needs 1 or less)")
        : new Check(
            "perf_event_paranoid",
            Status.FAIL,
            level
                + ": rr needs 1 or less (sysctl kernel.perf_event_paranoid=1), unless run as root");
  }

  /** Names of objects that generate code at run time; a static rewrite cannot reach that code. */
  static final Pattern JIT =
      Pattern.compile(
          "^(libjvm\\.so|libv8.*\\.so.*|libnode\\.so.*|libluajit-.*\\.so.*|libmozjs-.*\\.so.*|"
              + "libjulia.*\\.so.*|libLLVM.*\\.so.*|libcoreclr\\.so|libmono.*\\.so.*|libpypy.*\\.so.*|"
              + "libwasmtime.*\\.so.*|libqjs.*\\.so.*|libjavascriptcoregtk.*\\.so.*)$");

  /** The closure's status for a program: objects that read the counter, JIT engines, missing. */
  public static List<Check> program(PrepareRequest req) throws IOException {
    List<Check> out = new ArrayList<>();
    Sysroot root = req.root() == null ? Sysroot.NONE : new Sysroot(req.root());
    Facts facts = new Facts(new PrepareIndex(), req.options());
    List<String> libPath = req.effectiveLibraryPath();
    Closure c =
        Resolver.resolve(
            LoaderConfig.of(root, libPath), facts, req.program(), Preparer.expandAlso(req.also()));
    List<String> readers = new ArrayList<>();
    List<String> jits = new ArrayList<>();
    for (Loaded o : c.objects()) {
      Facts.Counts n = facts.counts(o.file());
      if (n.rewrites() > 0) {
        readers.add(o.path() + " (" + n.reads() + ")");
      }
      String base = o.file().getFileName().toString();
      if (JIT.matcher(base).matches() || JIT.matcher(o.name()).matches()) {
        jits.add(o.path());
      }
    }
    out.add(
        new Check(
            "closure",
            c.missing().isEmpty() ? Status.OK : Status.FAIL,
            c.objects().size()
                + " objects"
                + (c.missing().isEmpty()
                    ? ""
                    : "; missing: "
                        + String.join(
                            ", ", c.missing().stream().map(Closure.Missing::name).toList()))));
    out.add(
        readers.isEmpty()
            ? new Check("counter reads", Status.OK, "no object of the closure reads the counter")
            : new Check(
                "counter reads",
                Status.WARN,
                readers.size()
                    + " object(s) read the counter: "
                    + String.join(", ", readers)
                    + "; run 'a64patch record -- PROGRAM' (or prepare) to record with patched copies"));
    Path prepared = Preparer.defaultOutput(req);
    if (!readers.isEmpty()) {
      out.add(
          Files.isRegularFile(prepared.resolve(Preparer.ENV_FILE))
              ? new Check("prepared", Status.OK, prepared + " (run prepare again to refresh it)")
              : new Check(
                  "prepared",
                  Status.NOTE,
                  "not yet (a64patch prepare would write " + prepared + ")"));
    }
    if (!jits.isEmpty()) {
      out.add(
          new Check(
              "JIT",
              Status.WARN,
              String.join(", ", jits)
                  + ": generates code at run time; counter reads in generated code are out of reach of"
                  + " any static rewrite (rr 6.12+ traps them; older kernels diverge)"));
    }
    return out;
  }
}
