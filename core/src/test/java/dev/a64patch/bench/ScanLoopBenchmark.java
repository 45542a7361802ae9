package dev.a64patch.bench;

import dev.a64patch.core.scan.SysReg;
import dev.a64patch.core.scan.WordMatcher;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scan hot loop over a large synthetic code buffer (off-heap, like a mapped file). Throughput
 * in bytes/s = size / time per op. Run with bench/jmh.sh, not in the test suite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScanLoopBenchmark {
  /** Buffer size in MiB. */
  @Param({"256"})
  public int mib;

  /**
   * Share of words carrying the 0xD53B prefix (system-register reads such as TPIDR_EL0), per mille.
   */
  @Param({"1", "20"})
  public int prefixPerMille;

  ByteBuffer code;
  WordMatcher matcher;

  @Setup(Level.Trial)
  public void setUp() {
    code = ByteBuffer.allocateDirect(mib << 20).order(ByteOrder.LITTLE_ENDIAN);
    Random r = new Random(1);
    int[] ordinary = {
      0xd503201f, 0xa9bf7bfd, 0x910003fd, 0xf9400000, 0x8b010000, 0xd65f03c0, 0x94000000, 0x52800020
    };
    for (int i = 0; i < code.capacity(); i += 4) {
      int w;
      int roll = r.nextInt(1000);
      if (roll < prefixPerMille) {
        w =
            roll == 0
                ? SysReg.CNTVCT_EL0.mrs(r.nextInt(31))
                : 0xd53bd040 | r.nextInt(31); // TPIDR_EL0
      } else {
        w = ordinary[r.nextInt(ordinary.length)] ^ (r.nextInt() & 0x3ff);
      }
      code.putInt(i, w);
    }
    matcher = new WordMatcher(SysReg.all());
  }

  @Benchmark
  public int[] scan() {
    return matcher.find(code, 0, code.capacity());
  }
}
