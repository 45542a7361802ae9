package dev.a64patch.core.scan;

import static dev.a64patch.elf.ElfConstants.*;

import dev.a64patch.core.demangle.Demangler;
import dev.a64patch.elf.ElfFile;
import dev.a64patch.elf.ElfSymbol;
import dev.a64patch.elf.UnwindRanges;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Function symbols and AArch64 mapping symbols sorted by address, for attributing findings.
 * Built only when a file has candidates, so clean files never pay for their symbol tables.
 * In relocatable objects every section starts at 0, so symbols are kept per section there.
 */
final class SymbolIndex {
    /** A function's extent: [start, end); {@code symbol} is null for a range known only from unwind info. */
    record Function(ElfSymbol symbol, long start, long end) {}

    private final boolean perSection;
    private final Map<Integer, List<Function>> functions = new HashMap<>();
    private final Map<Integer, List<ElfSymbol>> mapping = new HashMap<>();
    private final List<Function> unwind;

    private SymbolIndex(ElfFile elf) {
        perSection = elf.header().type() == ET_REL;
        List<ElfSymbol> table = elf.symbols();
        if (table.stream().noneMatch(ElfSymbol::isFunction)) {
            table = elf.dynamicSymbols();
        }
        Map<Integer, List<ElfSymbol>> funcs = new HashMap<>();
        for (ElfSymbol s : table) {
            if (s.isFunction() && s.isDefined() && s.shndx() < SHN_LORESERVE) {
                funcs.computeIfAbsent(key(s.shndx()), k -> new ArrayList<>()).add(s);
            }
        }
        funcs.forEach((k, list) -> functions.put(k, extents(list)));
        for (ElfSymbol s : elf.symbols()) {
            if (s.isMappingSymbol() && s.isDefined() && s.shndx() < SHN_LORESERVE) {
                mapping.computeIfAbsent(s.shndx(), k -> new ArrayList<>()).add(s);
            }
        }
        mapping.values().forEach(l -> l.sort(Comparator.comparingLong(ElfSymbol::value)));
        // Relocatable objects have no PT_GNU_EH_FRAME; everything else usually does.
        unwind = perSection ? List.of() : UnwindRanges.of(elf).stream()
                .map(r -> new Function(null, r.start(), r.end())).toList();
    }

    static SymbolIndex of(ElfFile elf) {
        return new SymbolIndex(elf);
    }

    private int key(int shndx) {
        return perSection ? shndx : -1;
    }

    /**
     * Sorts by address and gives each function an end: st_size when set; a size-0 symbol
     * (hand-written assembly without {@code .size}) extends to the next function. At one
     * address, a global name is preferred over a local alias.
     */
    private static List<Function> extents(List<ElfSymbol> list) {
        list.sort(Comparator.comparingLong(ElfSymbol::value)
                .thenComparing(s -> s.bind() == STB_LOCAL ? 1 : 0)
                .thenComparing(ElfSymbol::name));
        List<Function> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ElfSymbol s = list.get(i);
            if (!out.isEmpty() && out.get(out.size() - 1).start() == s.value()) {
                continue; // alias of the previous entry
            }
            long end = s.value() + s.size();
            if (s.size() == 0) {
                end = Long.MAX_VALUE;
                for (int j = i + 1; j < list.size(); j++) {
                    if (list.get(j).value() > s.value()) {
                        end = list.get(j).value();
                        break;
                    }
                }
            }
            out.add(new Function(s, s.value(), end));
        }
        return out;
    }

    /**
     * The function whose extent holds {@code address} in section {@code shndx}: a symbol,
     * or else an unnamed range from the unwind tables (static functions of stripped files).
     */
    Optional<Function> functionAt(long address, int shndx) {
        Optional<Function> named = find(functions.getOrDefault(key(shndx), List.of()), address);
        return named.isPresent() ? named : find(unwind, address);
    }

    private static Optional<Function> find(List<Function> list, long address) {
        int i = lastAtOrBefore(list, address);
        // Extents rarely overlap; look back a little for an enclosing larger one.
        for (int j = i; j >= 0 && j > i - 16; j--) {
            Function f = list.get(j);
            if (address >= f.start() && address < f.end()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    static SymbolRef ref(Function f, long address) {
        if (f.symbol() == null) {
            return SymbolRef.unnamed(f.start(), address - f.start());
        }
        String name = f.symbol().name();
        return new SymbolRef(name, Demangler.demangle(name).orElse(name), address - f.start());
    }

    /** True when the last mapping symbol at or before {@code address} in the section is {@code $d}. */
    boolean inData(long address, int shndx) {
        List<ElfSymbol> list = mapping.get(shndx);
        if (list == null) {
            return false;
        }
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).value() <= address) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && list.get(found).startsData();
    }

    private static int lastAtOrBefore(List<Function> list, long address) {
        int lo = 0;
        int hi = list.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (list.get(mid).start() <= address) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }
}
