package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.demangle.CxxFilt;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Corpus;
import dev.a64patch.testing.TestData;
import dev.a64patch.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scanning starts c++filt only for files whose reads lie in functions with mangled names, once per
 * run, and keeps both names. A wrapper script logs every start of c++filt.
 */
class ScannerDemangleTest {
  @TempDir Path dir;

  private CxxFilt counting(Path log) throws Exception {
    Path cxxfilt = Tools.require("c++filt");
    Path script = dir.resolve("c++filt");
    Files.writeString(script, "#!/bin/sh\necho started >> '" + log + "'\nexec '" + cxxfilt + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new CxxFilt(Optional.of(List.of(script.toString())), Duration.ofSeconds(30));
  }

  @Test
  void cNamesNeverStartCxxFilt() throws Exception {
    Path log = dir.resolve("starts.log");
    try (CxxFilt filt = counting(log)) {
      ScanResult r =
          new Scanner(ScanOptions.defaults(), filt)
              .scan(ElfFile.read(TestData.bin("counters-gcc-pie")));
      assertTrue(r.findings().size() > 5, r.findings().toString());
      List<SymbolRef> named =
          r.findings().stream().map(Finding::symbol).filter(s -> s != null).toList();
      assertTrue(named.size() > 5, named.toString());
      for (SymbolRef s : named) {
        assertEquals(s.name(), s.demangled());
      }
    }
    assertTrue(Files.notExists(log), "c++filt was started for a C program");
  }

  @Test
  void cxxNamesDemangledThroughOneProcessForManyScans() throws Exception {
    Path abseil = Corpus.lib("libabsl_base.so.");
    Path log = dir.resolve("starts.log");
    try (CxxFilt filt = counting(log)) {
      Scanner scanner = new Scanner(ScanOptions.defaults(), filt);
      for (int i = 0; i < 3; i++) {
        Finding now =
            scanner.scan(ElfFile.read(abseil)).findings().stream()
                .filter(f -> f.register() == SysReg.CNTVCT_EL0)
                .findFirst()
                .orElseThrow();
        assertTrue(
            now.symbol().name().matches("_ZN4absl\\w+18UnscaledCycleClock3NowEv"),
            now.symbol().name());
        assertTrue(
            now.symbol()
                .demangled()
                .matches("absl::\\w+::base_internal::UnscaledCycleClock::Now\\(\\)"),
            now.symbol().demangled());
      }
    }
    assertEquals(List.of("started"), Files.readAllLines(log));
  }
}
