package dev.a64patch.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.a64patch.core.failure.Remedy;
import dev.a64patch.core.failure.Setting;
import dev.a64patch.core.patch.PatchException;
import org.junit.jupiter.api.Test;

/** A remedy naming two settings is worded with both parameters, in order. */
class PluginFailuresTest {
  @Test
  void chainedRemedyNamesEveryParameter() {
    PatchException e =
        new PatchException(
            "f",
            "1 read(s) are more than 128 MiB from the new segment (first at 0x6b4)",
            Remedy.of("choose", Setting.OUT_OF_RANGE, "skip", "zero", "nop")
                .and(Remedy.of("allow it with", Setting.MAX_PADDING, "220392528")));
    assertEquals(
        "1 read(s) are more than 128 MiB from the new segment (first at 0x6b4); choose"
            + " <outOfRange>skip|zero|nop</outOfRange> (-Da64patch.outOfRange=skip) and allow it"
            + " with <maxPadding>220392528</maxPadding> (-Da64patch.maxPadding=220392528)",
        PluginFailures.reason("f", e));
  }
}
