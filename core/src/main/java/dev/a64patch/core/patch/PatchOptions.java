package dev.a64patch.core.patch;

import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.failure.SettingException;
import dev.a64patch.core.scan.SysReg;
import java.util.EnumSet;
import java.util.Set;

/**
 * Everything that decides how a file is patched; recorded in the manifest so verify and re-patching
 * can reproduce the plan.
 *
 * @param registers registers to rewrite; empty means the strategy's default
 * @param step ticks added per read by the {@code counter} strategy
 * @param frequency nominal counter frequency in Hz for {@code clock} (and patched CNTFRQ_EL0 reads)
 * @param includeUncertain also rewrite uncertain sites (never those in $d data)
 * @param maxPadding largest zero padding the layout may add to an executable, in bytes (apparent
 *     size: the padding is a hole and takes no disk where the file system supports holes)
 */
public record PatchOptions(
    Strategy strategy,
    Set<SysReg> registers,
    long step,
    long frequency,
    boolean includeUncertain,
    OutOfRangePolicy outOfRange,
    RndrMode rndr,
    long maxPadding) {

  public static final long DEFAULT_STEP = 1000;
  public static final long DEFAULT_FREQUENCY = 1_000_000_000L;

  /**
   * 1 GiB. The padding an executable with a large .bss needs is written as a hole, so it costs no
   * disk; but the file's apparent size grows by it, and that is what every copy that does not keep
   * holes writes out in full (tar without --sparse, scp, rsync without -S, package archives, file
   * systems without holes such as FAT) and what quotas on apparent size count. Up to 1 GiB is
   * allowed without asking (the largest .bss in the corpus needs far less, docs/patching.md); more
   * must be asked for. Independently, no patched file may exceed the 2 GiB a64patch can read back.
   */
  public static final long DEFAULT_MAX_PADDING = 1L << 30;

  public PatchOptions {
    registers = registers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(registers));
    if (step <= 0) {
      throw new SettingException(Setting.STEP, "must be positive, was " + step);
    }
    if (frequency <= 0 || frequency > 0xFFFF_FFFFL) {
      throw new SettingException(
          Setting.FREQUENCY, "must be between 1 Hz and 4294967295 Hz, was " + frequency);
    }
    if (maxPadding < 0) {
      throw new SettingException(Setting.MAX_PADDING, "must be >= 0, was " + maxPadding);
    }
  }

  public static PatchOptions defaults() {
    return new PatchOptions(
        Strategy.COUNTER,
        Set.of(),
        DEFAULT_STEP,
        DEFAULT_FREQUENCY,
        false,
        OutOfRangePolicy.FAIL,
        RndrMode.OFF,
        DEFAULT_MAX_PADDING);
  }

  public PatchOptions withStrategy(Strategy s) {
    return new PatchOptions(
        s, registers, step, frequency, includeUncertain, outOfRange, rndr, maxPadding);
  }

  public PatchOptions withOutOfRange(OutOfRangePolicy p) {
    return new PatchOptions(
        strategy, registers, step, frequency, includeUncertain, p, rndr, maxPadding);
  }

  public PatchOptions withMaxPadding(long bytes) {
    return new PatchOptions(
        strategy, registers, step, frequency, includeUncertain, outOfRange, rndr, bytes);
  }

  /**
   * The registers this run rewrites: the four counters (and CNTFRQ_EL0 under {@code clock}), or the
   * user's choice; RNDR/RNDRRS only with an RNDR mode; PMCCNTR_EL0 never.
   */
  public Set<SysReg> effectiveRegisters() {
    Set<SysReg> out = EnumSet.noneOf(SysReg.class);
    if (registers.isEmpty()) {
      out.addAll(SysReg.counters());
      if (strategy == Strategy.CLOCK) {
        out.add(SysReg.CNTFRQ_EL0);
      }
    } else {
      out.addAll(registers);
    }
    if (rndr != RndrMode.OFF) {
      out.add(SysReg.RNDR);
      out.add(SysReg.RNDRRS);
    } else {
      out.remove(SysReg.RNDR);
      out.remove(SysReg.RNDRRS);
    }
    out.remove(SysReg.PMCCNTR_EL0);
    return out;
  }
}
