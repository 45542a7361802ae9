package dev.a64patch.cli;

import dev.a64patch.core.scan.SysReg;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;

/** {@code --registers cntvct,cntfrq_el0}, or the groups {@code all} and {@code counters}. */
final class RegisterList implements CommandLine.ITypeConverter<Set<SysReg>> {
    static final String NAMES = Stream.of(SysReg.values()).map(Enum::name).collect(Collectors.joining(", "));

    @Override
    public Set<SysReg> convert(String value) {
        Set<SysReg> out = EnumSet.noneOf(SysReg.class);
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.equalsIgnoreCase("all")) {
                out.addAll(SysReg.all());
            } else if (p.equalsIgnoreCase("counters")) {
                out.addAll(SysReg.counters());
            } else {
                out.add(SysReg.parse(p).orElseThrow(() -> new CommandLine.TypeConversionException(
                        "unknown register '" + p + "'; expected all, counters or one of " + NAMES)));
            }
        }
        if (out.isEmpty()) {
            throw new CommandLine.TypeConversionException("no register named");
        }
        return out;
    }
}
