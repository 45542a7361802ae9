package dev.a64patch.cli;

import dev.a64patch.core.scan.SysReg;
import java.util.Set;
import picocli.CommandLine;

/** {@code --registers cntvct,cntfrq_el0}, or the groups {@code all} and {@code counters}. */
final class RegisterList implements CommandLine.ITypeConverter<Set<SysReg>> {
  @Override
  public Set<SysReg> convert(String value) {
    try {
      Set<SysReg> out = SysReg.parseList(value);
      if (out.isEmpty()) {
        throw new CommandLine.TypeConversionException("no register named");
      }
      return out;
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
