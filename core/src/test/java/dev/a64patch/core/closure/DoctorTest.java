package dev.a64patch.core.closure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.patch.PatchOptions;
import dev.a64patch.testing.ClosureRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorTest {
  @TempDir Path tmp;

  record FakeHost(String kernel, String arch, Map<String, String> proc, String rr)
      implements Doctor.Host {
    @Override
    public String kernelRelease() {
      return kernel;
    }

    @Override
    public Optional<String> proc(String path) {
      return Optional.ofNullable(proc.get(path));
    }

    @Override
    public Optional<String> output(List<String> argv) {
      return argv.get(0).equals("rr") ? Optional.ofNullable(rr) : Optional.empty();
    }
  }

  private static Doctor.Check check(List<Doctor.Check> checks, String topic) {
    return checks.stream().filter(c -> c.topic().equals(topic)).findFirst().orElseThrow();
  }

  @Test
  void oldKernelWithoutLseAndNoRr() {
    var checks =
        Doctor.host(
            new FakeHost(
                "6.1.0-18-arm64",
                "aarch64",
                Map.of(
                    "cpuinfo", "processor\t: 0\nFeatures\t: fp asimd evtstrm crc32 cpuid\n",
                    "sys/kernel/perf_event_paranoid", "2\n"),
                null));
    assertEquals(Doctor.Status.WARN, check(checks, "kernel").status());
    assertTrue(check(checks, "kernel").message().contains("older than 6.12"));
    assertEquals(Doctor.Status.FAIL, check(checks, "LSE atomics").status());
    assertEquals(Doctor.Status.FAIL, check(checks, "rr").status());
    assertEquals(Doctor.Status.FAIL, check(checks, "perf_event_paranoid").status());
  }

  @Test
  void newKernelWithLseAndRr() {
    var checks =
        Doctor.host(
            new FakeHost(
                "6.12.3",
                "aarch64",
                Map.of(
                    "cpuinfo", "Features\t: fp asimd atomics fphp\n",
                    "sys/kernel/perf_event_paranoid", "1"),
                "rr version 5.9.0\n"));
    assertTrue(
        check(checks, "kernel").message().contains("one trap, a ptrace round trip, per read"));
    assertEquals(Doctor.Status.OK, check(checks, "LSE atomics").status());
    assertEquals("rr version 5.9.0", check(checks, "rr").message());
    assertEquals(Doctor.Status.OK, check(checks, "perf_event_paranoid").status());
  }

  @Test
  void foreignHostSaysWhichKernelCounts() {
    var checks = Doctor.host(new FakeHost("6.18.1", "amd64", Map.of(), null));
    assertEquals(Doctor.Status.NOTE, check(checks, "kernel").status());
    assertTrue(check(checks, "kernel").message().contains("the kernel of the arm64 machine"));
    assertEquals(Doctor.Status.NOTE, check(checks, "LSE atomics").status());
  }

  @Test
  void programClosureReadersAndJit() throws IOException {
    Path root = ClosureRoot.build(tmp);
    // a library named like HotSpot's, needed by nobody: added as a dlopen'd object
    Path jvm = Files.copy(root.resolve("opt/app/lib/libplain.so"), tmp.resolve("libjvm.so"));
    var req =
        new PrepareRequest(
            root.resolve("opt/app/bin/chain"),
            root,
            List.of(),
            null,
            List.of(jvm),
            null,
            tmp.resolve("cache"),
            PatchOptions.defaults(),
            List.of());
    var checks = Doctor.program(req);
    assertEquals(Doctor.Status.OK, check(checks, "closure").status(), checks.toString());
    assertTrue(
        check(checks, "counter reads").message().contains("libtick.so (1)"), checks.toString());
    assertEquals(Doctor.Status.NOTE, check(checks, "prepared").status());
    assertTrue(check(checks, "JIT").message().startsWith(jvm.toString()), checks.toString());
    assertTrue(Files.notExists(tmp.resolve("cache")), "doctor wrote the cache");
  }

  @Test
  void expandsDynamicStringTokens() {
    LoaderConfig c = LoaderConfig.of(Sysroot.NONE, List.of());
    assertEquals("/o/../lib/aarch64-linux-gnu", Searcher.expand("$ORIGIN/../$LIB", "/o", c));
    assertEquals("/o/aarch64/x", Searcher.expand("${ORIGIN}/$PLATFORM/x", "/o", c));
    assertEquals("$ORIGINAL", Searcher.expand("$ORIGINAL", "/o", c));
    assertEquals(null, Searcher.expand("$ORIGIN/x", null, c));
  }
}
