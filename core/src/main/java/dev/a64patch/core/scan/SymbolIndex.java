package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbolTable;
import dev.a64patch.elf.UnwindRanges;
import java.util.Arrays;
import java.util.Optional;

/**
 * Function symbols, AArch64 mapping symbols and unwind ranges, for attributing findings. Built only
 * when a file has candidates, so clean files never pay for their symbol tables; symbols are read in
 * place into sorted primitive arrays (a library can have 100 000) and names are resolved only for
 * the functions that hold a finding. In relocatable objects every section starts at 0, so there a
 * symbol must also be in the finding's section.
 */
final class SymbolIndex {
  /**
   * A function's extent [start, end); {@code symbol} is -1 for a range known only from unwind info.
   */
  record Function(int symbol, long start, long end) {}

  private final boolean perSection;
  private final ElfSymbolTable table;
  private final String tableName;
  private final Sorted functions;
  private final ElfSymbolTable mappingTable;
  private final Sorted mapping;
  private final UnwindRanges unwind;

  private SymbolIndex(ElfFile elf) {
    perSection = elf.header().type() == ET_REL;
    ElfSymbolTable symtab = elf.symbolTable().orElse(null);
    ElfSymbolTable chosen = symtab;
    Sorted funcs = symtab == null ? Sorted.EMPTY : Sorted.functions(symtab);
    if (funcs.size() == 0) {
      chosen = elf.dynamicSymbolTable().orElse(null);
      funcs = chosen == null ? Sorted.EMPTY : Sorted.functions(chosen);
    }
    table = chosen;
    tableName = chosen == symtab ? SymbolRef.SYMTAB : SymbolRef.DYNSYM;
    functions = funcs;
    mappingTable = symtab;
    mapping = symtab == null ? Sorted.EMPTY : Sorted.mapping(symtab);
    // Relocatable objects have no PT_GNU_EH_FRAME; everything else usually does.
    unwind = UnwindRanges.of(elf);
  }

  static SymbolIndex of(ElfFile elf) {
    return new SymbolIndex(elf);
  }

  /**
   * The function whose extent holds {@code address} in section {@code shndx}: a symbol, or else an
   * unnamed range from the unwind tables (static functions of stripped files).
   */
  Optional<Function> functionAt(long address, int shndx) {
    int i = functions.lastAtOrBefore(address);
    // Extents rarely overlap; look back a little for an enclosing larger one.
    for (int j = i; j >= 0 && j > i - 16; j--) {
      int sym = functions.symbol(j);
      if (perSection && table.shndx(sym) != shndx) {
        continue;
      }
      if (address >= functions.start(j) && address < functions.end(j)) {
        return Optional.of(new Function(sym, functions.start(j), functions.end(j)));
      }
    }
    if (perSection) {
      return Optional.empty();
    }
    return unwind.rangeAt(address).map(r -> new Function(-1, r.start(), r.end()));
  }

  /** Code evidence a function extent gives: "function symbol NAME" or "fde 0x..-0x..". */
  String evidence(Function f) {
    if (f.symbol() < 0) {
      return String.format("fde 0x%x-0x%x", f.start(), f.end());
    }
    return "function symbol " + table.name(f.symbol()) + " (" + tableName + ")";
  }

  SymbolRef ref(Function f, long address) {
    if (f.symbol() < 0) {
      return SymbolRef.unnamed(f.start(), address - f.start());
    }
    String name = table.name(f.symbol());
    return new SymbolRef(name, name, address - f.start(), tableName); // Scanner demangles
  }

  /**
   * True when the last mapping symbol at or before {@code address} in the section is {@code $d}.
   */
  boolean inData(long address, int shndx) {
    for (int j = mapping.lastAtOrBefore(address); j >= 0; j--) {
      int sym = mapping.symbol(j);
      if (mappingTable.shndx(sym) == shndx) {
        return mappingTable.nameChar(sym, 1) == 'd';
      }
    }
    return false;
  }

  /** Symbols of one kind sorted by address, as parallel primitive arrays. */
  static final class Sorted {
    static final Sorted EMPTY = new Sorted(new long[0], new long[0], new int[0]);

    private final long[] start;
    private final long[] end;
    private final int[] symbol;

    private Sorted(long[] start, long[] end, int[] symbol) {
      this.start = start;
      this.end = end;
      this.symbol = symbol;
    }

    int size() {
      return start.length;
    }

    long start(int i) {
      return start[i];
    }

    long end(int i) {
      return end[i];
    }

    int symbol(int i) {
      return symbol[i];
    }

    /**
     * Defined function symbols. At one address a global name is preferred over a local alias; a
     * size-0 symbol (assembly without {@code .size}) extends to the next function.
     */
    static Sorted functions(ElfSymbolTable t) {
      long[] keys = new long[t.count()];
      int n = 0;
      for (int i = 0; i < t.count(); i++) {
        int type = t.type(i);
        int shndx = t.shndx(i);
        if ((type == STT_FUNC || type == STT_GNU_IFUNC)
            && shndx != SHN_UNDEF
            && shndx < SHN_LORESERVE) {
          keys[n++] = i;
        }
      }
      int[] order = byAddress(t, keys, n, true, true);
      long[] s = new long[n];
      long[] e = new long[n];
      int[] sym = new int[n];
      int m = 0;
      for (int k = 0; k < n; k++) {
        int i = order[k];
        long v = t.value(i);
        if (m > 0 && s[m - 1] == v) {
          continue; // alias of the previous entry
        }
        s[m] = v;
        e[m] = t.size(i) > 0 ? v + t.size(i) : -1;
        sym[m] = i;
        m++;
      }
      for (int k = 0; k < m; k++) {
        if (e[k] == -1) {
          e[k] = k + 1 < m ? s[k + 1] : Long.MAX_VALUE;
        }
      }
      return new Sorted(Arrays.copyOf(s, m), Arrays.copyOf(e, m), Arrays.copyOf(sym, m));
    }

    /**
     * Symbols {@code keys[0..n)} (ascending table indices) by address, then globals before locals
     * at one address when {@code globalsFirst}, then in table order. Where every address is below
     * 2^38 (any real program) and {@code pack}, the keys are packed into one long and sorted as
     * numbers: sorting boxed indices with a comparator that reads the table cost a scan several
     * milliseconds, mostly interpreted (a million comparisons for a library with 100,000 symbols).
     * Tests compare both ways.
     */
    static int[] byAddress(
        ElfSymbolTable t, long[] keys, int n, boolean globalsFirst, boolean pack) {
      boolean packable = pack && n < (1 << PACKED_INDEX_BITS);
      for (int k = 0; k < n && packable; k++) {
        packable = Long.compareUnsigned(t.value((int) keys[k]), 1L << 38) < 0;
      }
      int[] order = new int[n];
      if (packable) {
        long[] packed = new long[n];
        for (int k = 0; k < n; k++) {
          int i = (int) keys[k];
          long local = globalsFirst && t.bind(i) == STB_LOCAL ? 1 : 0;
          packed[k] = t.value(i) << (PACKED_INDEX_BITS + 1) | local << PACKED_INDEX_BITS | k;
        }
        Arrays.sort(packed);
        for (int k = 0; k < n; k++) {
          order[k] = (int) keys[(int) (packed[k] & ((1 << PACKED_INDEX_BITS) - 1))];
        }
        return order;
      }
      Integer[] boxed = new Integer[n];
      for (int k = 0; k < n; k++) boxed[k] = (int) keys[k];
      Arrays.sort(
          boxed,
          (a, b) -> {
            int c = Long.compareUnsigned(t.value(a), t.value(b));
            if (c != 0 || !globalsFirst) return c;
            return Integer.compare(t.bind(a) == STB_LOCAL ? 1 : 0, t.bind(b) == STB_LOCAL ? 1 : 0);
          });
      for (int k = 0; k < n; k++) order[k] = boxed[k];
      return order;
    }

    /** Bits of a packed key ({@link #byAddress}) that hold the position in the table. */
    private static final int PACKED_INDEX_BITS = 24;

    /** AArch64 mapping symbols {@code $x}, {@code $d}, {@code $x.N}, {@code $d.N} (aaelf64). */
    static Sorted mapping(ElfSymbolTable t) {
      int n = 0;
      int[] idx = new int[t.count()];
      for (int i = 0; i < t.count(); i++) {
        if (t.nameChar(i, 0) == '$') {
          char kind = t.nameChar(i, 1);
          char next = t.nameChar(i, 2);
          if ((kind == 'x' || kind == 'd')
              && (next == 0 || next == '.')
              && t.shndx(i) != SHN_UNDEF
              && t.shndx(i) < SHN_LORESERVE) {
            idx[n++] = i;
          }
        }
      }
      long[] keys = new long[n];
      for (int k = 0; k < n; k++) keys[k] = idx[k];
      int[] order = byAddress(t, keys, n, false, true);
      long[] s = new long[n];
      int[] sym = new int[n];
      for (int k = 0; k < n; k++) {
        s[k] = t.value(order[k]);
        sym[k] = order[k];
      }
      return new Sorted(s, s, sym);
    }

    int lastAtOrBefore(long address) {
      int lo = 0;
      int hi = start.length - 1;
      int found = -1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (Long.compareUnsigned(start[mid], address) <= 0) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found;
    }
  }
}
