package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.a64patch.elf.ElfSymbolTable;
import dev.a64patch.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Symbols sorted by packed numeric keys come in the order the comparator sort gives (address, then
 * globals before locals for functions, then table order), on every testdata and corpus file.
 */
class SymbolOrderTest {
  @Test
  void packedKeysSortAsTheComparatorDoes() throws Exception {
    int tables = 0;
    int withTies = 0;
    for (Corpus.Read read : Corpus.readable(Corpus.withTestData())) {
      Path p = read.path();
      for (Optional<ElfSymbolTable> table :
          List.of(read.elf().symbolTable(), read.elf().dynamicSymbolTable())) {
        if (table.isEmpty()) {
          continue;
        }
        ElfSymbolTable t = table.get();
        long[] keys = new long[t.count()];
        int n = 0;
        for (int i = 0; i < t.count(); i++) {
          if ((t.type(i) == STT_FUNC || t.type(i) == STT_GNU_IFUNC)
              && t.shndx(i) != SHN_UNDEF
              && t.shndx(i) < SHN_LORESERVE) {
            keys[n++] = i;
          }
        }
        int[] packed = SymbolIndex.Sorted.byAddress(t, keys, n, true, true);
        int[] compared = SymbolIndex.Sorted.byAddress(t, keys, n, true, false);
        assertArrayEquals(compared, packed, p + ": " + n + " function symbols");
        // Mapping symbols ($x, $d) are ordered by address alone, ties in table order.
        long[] all = new long[t.count()];
        for (int i = 0; i < all.length; i++) {
          all[i] = i;
        }
        assertArrayEquals(
            SymbolIndex.Sorted.byAddress(t, all, all.length, false, false),
            SymbolIndex.Sorted.byAddress(t, all, all.length, false, true),
            p + ": every symbol by address alone");
        tables++;
        for (int k = 1; k < n; k++) {
          if (t.value(packed[k]) == t.value(packed[k - 1])) {
            withTies++; // aliases: the tie-breaks were exercised
            break;
          }
        }
      }
    }
    assertTrue(tables >= 20, "symbol tables compared: " + tables);
    assertTrue(withTies >= 1, "tables with two functions at one address: " + withTies);
  }
}
