package dev.a64patch.core.patch;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The runtime library as binutils sees it: readelf reads every header and table without a warning,
 * the dynamic symbol is a global 8-byte object in {@code .data} whose initial value is the
 * counter's start, and the soname is the one {@code prepare} preloads. (That glibc loads it and
 * binds patched objects to it is proven by running them, in SharedClockTest and the prepare tests.)
 */
class ClockLibraryTest {
  @TempDir Path dir;

  private Tools.Result readelf(Path file, String... options) {
    Path readelf = Tools.require("aarch64-linux-gnu-readelf");
    List<String> command = new java.util.ArrayList<>(List.of(readelf.toString(), "-W"));
    command.addAll(List.of(options));
    command.add(file.toString());
    Tools.Result r = Tools.run(command, Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.describe());
    assertEquals("", r.stderr(), "readelf warnings on " + file);
    return r;
  }

  @ParameterizedTest(name = "little-endian {0}")
  @ValueSource(booleans = {true, false})
  void readelfReadsEveryTableCleanly(boolean littleEndian) throws IOException {
    Path lib = dir.resolve(ClockLibrary.SONAME);
    if (littleEndian) {
      ClockLibrary.write(lib);
    } else {
      Files.write(lib, ClockLibrary.bytes(false));
    }
    String all = readelf(lib, "-a").stdout();
    assertTrue(all.contains(littleEndian ? "little endian" : "big endian"), all);
    assertTrue(all.contains("Library soname: [" + ClockLibrary.SONAME + "]"), all);
    assertTrue(
        Pattern.compile(
                "1: ([0-9a-f]+) +8 OBJECT +GLOBAL DEFAULT +5 " + Pattern.quote(ClockLibrary.SYMBOL))
            .matcher(all)
            .find(),
        all);
    assertTrue(all.contains("There are no relocations in this file."), all);
    // The counter's initial value, read back from .data by readelf's hex dump.
    String data = readelf(lib, "-x", ".data").stdout();
    byte[] value =
        ByteBuffer.allocate(8)
            .order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
            .putLong(0, Trampolines.COUNTER_START)
            .array();
    String bytes = HexFormat.of().formatHex(value);
    StringBuilder dumped = new StringBuilder();
    Matcher m = Pattern.compile("(?m)^\\s*0x\\p{XDigit}+ ((?:\\p{XDigit}{2,8} )+)").matcher(data);
    while (m.find()) {
      dumped.append(m.group(1).replace(" ", ""));
    }
    assertEquals(bytes, dumped.toString(), data);
    ElfFile elf = ElfFile.read(lib);
    assertEquals(ClockLibrary.SYMBOL, elf.dynamicSymbols().get(1).name());
  }
}
