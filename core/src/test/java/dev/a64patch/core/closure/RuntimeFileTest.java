package dev.a64patch.core.closure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.patch.ClockLibrary;
import dev.a64patch.testing.ClosureRoot;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seam for a runtime library a64patch provides: written into the output directory, preloaded
 * before the copies (after the shared clock, which prepare adds itself), loaded by the real loader,
 * and cached like everything else.
 */
class RuntimeFileTest {
  @TempDir Path tmp;

  @Test
  void runtimeFileIsWrittenPreloadedFirstAndLoaded() throws IOException {
    Path root = ClosureRoot.build(tmp);
    byte[] lib = Files.readAllBytes(root.resolve("opt/app/lib/libplain.so"));
    Path out = tmp.resolve("out");
    PrepareRequest req =
        ClosureRoot.request(root, "opt/rp/bin/rpath-prog", out)
            .withRuntime(new RuntimeFile("liba64patch-rt.so", lib));
    Preparation p = Preparer.prepare(req);
    Path o = out.toRealPath();
    assertArrayEquals(lib, Files.readAllBytes(o.resolve("liba64patch-rt.so")));
    // After the shared clock (libtick is patched with the counter strategy), before the copies.
    assertEquals(
        String.join(
            ":",
            o.resolve(ClockLibrary.SONAME).toString(),
            o.resolve("liba64patch-rt.so").toString(),
            o.resolve("libtick.so").toString()),
        p.env().get("LD_PRELOAD"));

    List<String> cmd =
        new ArrayList<>(List.of(Tools.require("qemu-aarch64").toString(), "-L", root.toString()));
    p.env().forEach((k, v) -> cmd.addAll(List.of("-E", k + "=" + v)));
    cmd.add(p.program().toString());
    Tools.Result r = Tools.run(cmd, Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.stdout().contains("MAP " + o.resolve("liba64patch-rt.so")), r.stdout());
    assertTrue(r.stdout().contains("MAP " + o.resolve("libtick.so")), r.stdout());

    assertEquals(0, Preparer.prepare(req).written(), "second prepare wrote");
  }
}
