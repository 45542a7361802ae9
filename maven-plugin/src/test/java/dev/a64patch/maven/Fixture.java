package dev.a64patch.maven;

import dev.a64patch.testing.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Maven-like project directory for Mojo tests, and the objdump-derived facts about
 * libcounters.so.
 */
final class Fixture {
  /** One counter read of libcounters.so as testdata/bin/READS.tsv (objdump) lists it. */
  record Read(long vaddr, int word, String register) {}

  final Path basedir;
  final Path classes;

  Fixture(Path basedir) throws IOException {
    this.basedir = basedir;
    this.classes = Files.createDirectories(basedir.resolve("target/classes"));
  }

  Path copy(String testdataName, String relative) throws IOException {
    Path to = classes.resolve(relative);
    Files.createDirectories(to.getParent());
    return Files.copy(TestData.bin(testdataName), to);
  }

  <M extends AbstractA64PatchMojo> M configure(M mojo, RecordingLog log) {
    mojo.setLog(log);
    mojo.basedir = basedir.toFile();
    mojo.directories = List.of(new File("target/classes"));
    mojo.includes = List.of("**/*.so*");
    mojo.excludes = List.of();
    mojo.reportDirectory = basedir.resolve("target/a64patch").toFile();
    return mojo;
  }

  PatchMojo patchMojo(RecordingLog log) {
    PatchMojo m = configure(new PatchMojo(), log);
    m.strategy = "counter";
    m.step = 1000;
    m.frequency = 1_000_000_000L;
    m.outOfRange = "fail";
    m.rndr = "off";
    m.maxPadding = 64L << 20;
    m.verify = true;
    return m;
  }

  /** Counter reads (not CNTFRQ) of {@code name} from READS.tsv: the independent oracle. */
  static List<Read> counterReads(String name) throws IOException {
    List<Read> out = new ArrayList<>();
    for (String line : Files.readAllLines(TestData.bin("READS.tsv"))) {
      String[] f = line.split("\t");
      if (f[0].equals(name) && f[4].matches("CNT[VP]CT(SS)?_EL0")) {
        out.add(new Read(Long.decode(f[2]), (int) Long.parseLong(f[3].substring(2), 16), f[4]));
      }
    }
    return out;
  }

  /** The little-endian word at file offset {@code offset}. */
  static int word(Path file, long offset) throws IOException {
    byte[] b = Files.readAllBytes(file);
    return ByteBuffer.wrap(b, (int) offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
  }
}
