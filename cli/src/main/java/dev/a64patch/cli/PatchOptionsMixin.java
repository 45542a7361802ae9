package dev.a64patch.cli;

import dev.a64patch.core.failure.SettingException;
import dev.a64patch.core.patch.OutOfRangePolicy;
import dev.a64patch.core.patch.PatchOptions;
import dev.a64patch.core.patch.RndrMode;
import dev.a64patch.core.patch.Strategy;
import dev.a64patch.core.scan.SysReg;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The options of {@code patch}, shared with the bare {@code a64patch FILE...} form. */
final class PatchOptionsMixin {
  Strategy strategy;
  long step;
  long frequency;
  Set<SysReg> registers = Set.of();
  RndrMode rndr;
  boolean includeUncertain;
  OutOfRangePolicy outOfRange;
  long maxPadding;

  /** Adds the patch options to {@code command}. */
  PatchOptionsMixin addTo(CommandSpec command) {
    command.addOption(
        CommandModel.option(() -> strategy, v -> strategy = v, Strategy.class)
            .names("--strategy")
            .defaultValue("counter")
            .paramLabel("NAME")
            .description(
                "counter (default): virtual counter, +STEP per read; clock: CLOCK_MONOTONIC scaled"
                    + " to --frequency; zero: movz xt,#0 in place; nop: nop in place. See"
                    + " docs/strategies.md.")
            .build());
    command.addOption(
        CommandModel.option(() -> step, v -> step = v, long.class)
            .names("--step")
            .defaultValue("" + PatchOptions.DEFAULT_STEP)
            .paramLabel("TICKS")
            .description(
                "Ticks the virtual counter advances per read (counter strategy; default"
                    + " ${DEFAULT-VALUE}).")
            .build());
    command.addOption(
        CommandModel.option(() -> frequency, v -> frequency = v, long.class)
            .names("--frequency")
            .defaultValue("" + PatchOptions.DEFAULT_FREQUENCY)
            .paramLabel("HZ")
            .description(
                "Nominal counter frequency: clock ticks and patched CNTFRQ_EL0 reads (default"
                    + " ${DEFAULT-VALUE}).")
            .build());
    command.addOption(
        CommandModel.option(() -> registers, v -> registers = v, Set.class, SysReg.class)
            .names("--registers")
            .paramLabel("LIST")
            .converters(new RegisterList())
            .description(
                "Registers to rewrite (default: the four counters, plus CNTFRQ_EL0 with --strategy"
                    + " clock).")
            .build());
    command.addOption(
        CommandModel.option(() -> rndr, v -> rndr = v, RndrMode.class)
            .names("--rndr")
            .defaultValue("off")
            .paramLabel("MODE")
            .description("Also rewrite RNDR/RNDRRS: off (default), deterministic, getrandom.")
            .build());
    command.addOption(
        CommandModel.option(() -> includeUncertain, v -> includeUncertain = v, boolean.class)
            .names("--include-uncertain")
            .description("Also rewrite uncertain sites (never words inside $d data ranges).")
            .build());
    command.addOption(
        CommandModel.option(() -> outOfRange, v -> outOfRange = v, OutOfRangePolicy.class)
            .names("--out-of-range")
            .defaultValue("fail")
            .paramLabel("POLICY")
            .description(
                "Sites beyond the +/-128 MiB reach of B that no island reaches (in the file's"
                    + " padding or its code segment's tail): fail (default, write nothing), skip,"
                    + " zero, nop.")
            .build());
    command.addOption(
        CommandModel.option(() -> maxPadding, v -> maxPadding = v, long.class)
            .names("--max-padding")
            .defaultValue("" + PatchOptions.DEFAULT_MAX_PADDING)
            .paramLabel("BYTES")
            .description(
                "Largest zero padding an executable may need for the AT_PHDR rule, in bytes of"
                    + " apparent size: it is written as a hole and takes no disk (default"
                    + " ${DEFAULT-VALUE}).")
            .build());
    return this;
  }

  PatchOptions toOptions(CommandLine cmd) {
    try {
      return new PatchOptions(
          strategy, registers, step, frequency, includeUncertain, outOfRange, rndr, maxPadding);
    } catch (SettingException e) {
      throw FailureOutput.usage(cmd, e);
    }
  }
}
