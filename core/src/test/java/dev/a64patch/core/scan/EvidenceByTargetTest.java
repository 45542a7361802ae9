package dev.a64patch.core.scan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.a64patch.core.scan.A64Shapes.Ref;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The judgement's index of references ({@link EvidenceIndex.ByTarget}) against the definition it
 * replaced, a look at every reference: whatever it leaves out must be unable to change a judgement,
 * and what it gives must come in the references' own order (evidence lists keep that order).
 */
class EvidenceByTargetTest {
  @Test
  void everyReferenceThatCanChangeAJudgementIsGivenInTheReferencesOrder() {
    Random random = new Random(14);
    for (int round = 0; round < 300; round++) {
      List<EvidenceIndex.Hit> hits = hits(random);
      Map<EvidenceIndex.Hit, Integer> order = new IdentityHashMap<>();
      for (int k = 0; k < hits.size(); k++) {
        order.put(hits.get(k), k);
      }
      EvidenceIndex.ByTarget index = new EvidenceIndex.ByTarget(hits);
      for (int q = 0; q < 30; q++) {
        long address = 0x1000 + 4L * random.nextInt(512);
        EvidenceIndex.Run run =
            new EvidenceIndex.Run(
                random.nextInt(3), address - 4L * random.nextInt(64), address, -1);
        List<EvidenceIndex.Hit> given = index.touching(hits, run);
        for (int k = 1; k < given.size(); k++) {
          assertTrue(order.get(given.get(k - 1)) < order.get(given.get(k)), "out of order: " + run);
        }
        for (EvidenceIndex.Hit h : hits) {
          if (counts(h, run)) {
            assertTrue(given.stream().anyMatch(g -> g == h), h + " left out for " + run);
          }
        }
      }
    }
  }

  /** References of every kind, some without one (symbols), a few reaching far (large data). */
  private static List<EvidenceIndex.Hit> hits(Random random) {
    Ref[] kinds = Ref.values();
    List<EvidenceIndex.Hit> hits = new ArrayList<>();
    for (int k = random.nextInt(80); k > 0; k--) {
      Ref kind = random.nextInt(6) == 0 ? null : kinds[random.nextInt(kinds.length)];
      int size = random.nextInt(12) == 0 ? 4 + random.nextInt(2048) : 4 * (1 + random.nextInt(4));
      long target = 0x1000 + 4L * random.nextInt(512) + (random.nextInt(5) == 0 ? 2 : 0);
      hits.add(
          new EvidenceIndex.Hit(
              random.nextInt(3), target, size, kind, 0, kind == null ? "symbol" : null));
    }
    return hits;
  }

  /** What the judgement looks at: data on the word, anything else landing in the run. */
  private static boolean counts(EvidenceIndex.Hit h, EvidenceIndex.Run run) {
    if (h.region() != run.region()) {
      return false;
    }
    if (h.isData() && h.kind() != Ref.TABLE) {
      return h.target() < run.address() + 4 && h.target() + h.size() > run.address();
    }
    return h.target() >= run.start() && h.target() <= run.address();
  }
}
