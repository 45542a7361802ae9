package dev.a64patch.core;

import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.core.patch.SitePlan;
import dev.a64patch.core.patch.Strategy;
import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void oneSpellingOutManyIn() {
    assertEquals("in-place", Names.id(SitePlan.Action.IN_PLACE));
    for (String spelling : new String[] {"in-place", "in_place", "IN_PLACE", " In-Place "}) {
      assertEquals(SitePlan.Action.IN_PLACE, Names.parse(SitePlan.Action.class, spelling));
    }
  }

  @Test
  void anUnknownNameListsTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Names.parse(Strategy.class, "fast"));
    assertEquals("'fast' is not one of counter, clock, zero, nop", e.getMessage());
  }
}
