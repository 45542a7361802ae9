package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Work set aside for another core must fail as the call made in place would have: the same
 * exception, not one wrapped by the executor (the command line turns an ElfException into its
 * one-line message and exit code).
 */
class AsideTest {
  @Test
  void joinReturnsTheValue() {
    assertEquals("a", Aside.start(() -> "a").join());
    assertEquals("b", Aside.done("b").join());
  }

  @Test
  void joinThrowsWhatTheWorkThrewUnchanged() {
    IllegalStateException thrown = new IllegalStateException("symbol table 7: damaged");
    Aside<String> failing =
        Aside.start(
            () -> {
              throw thrown;
            });
    assertSame(thrown, assertThrows(IllegalStateException.class, failing::join));
    AssertionError error = new AssertionError("an error");
    Aside<String> erring =
        Aside.start(
            () -> {
              throw error;
            });
    assertSame(error, assertThrows(AssertionError.class, erring::join));
  }
}
