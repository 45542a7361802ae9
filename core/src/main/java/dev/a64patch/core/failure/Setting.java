package dev.a64patch.core.failure;

/**
 * A patch setting a failure can be about or a remedy can name. Core never writes a front end's
 * spelling of it ({@code --max-padding} on the command line, {@code <maxPadding>} in the Maven
 * plugin): each front end words it from this value.
 */
public enum Setting {
  STRATEGY,
  REGISTERS,
  STEP,
  FREQUENCY,
  INCLUDE_UNCERTAIN,
  OUT_OF_RANGE,
  RNDR,
  MAX_PADDING
}
