package dev.a64patch.cli;

import dev.a64patch.core.Version;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The commands' picocli models, built through picocli's programmatic API. picocli's annotations
 * would describe the same model, but reading them cost every run about 30 ms: the JDK parses each
 * annotation and defines a proxy class per annotation type at run time, which a JDK 17 class-data
 * archive cannot hold (docs/performance.md, "Fourth round"). Each command declares its options in
 * its {@code model()} method, next to the fields they set.
 */
final class CommandModel {
  private static final IVersionProvider VERSION = () -> new String[] {"a64patch " + Version.get()};

  private CommandModel() {}

  /**
   * A command running {@code command}, with {@code -h, --help} and {@code -V, --version} worded as
   * picocli's standard help options.
   */
  static CommandSpec command(String name, Object command, String[] description, String... footer) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command).name(name);
    spec.versionProvider(VERSION);
    spec.usageMessage().description(description).footer(footer);
    spec.addOption(
        OptionSpec.builder("-h", "--help")
            .usageHelp(true)
            .description("Show this help message and exit.")
            .build());
    spec.addOption(
        OptionSpec.builder("-V", "--version")
            .versionHelp(true)
            .description("Print version information and exit.")
            .build());
    return spec;
  }

  /**
   * An option (named by the caller) whose values have the type {@code type}, with {@code elements}
   * for a collection, stored by {@code set} and read back by {@code get}: picocli adds a repeated
   * option's values to the collection it reads.
   */
  static <T> OptionSpec.Builder option(
      Supplier<T> get, Consumer<T> set, Class<?> type, Class<?>... elements) {
    Binding<T> b = new Binding<>(get, set);
    return OptionSpec.builder(new String[0])
        .initialValue(get.get())
        .type(type)
        .auxiliaryTypes(elements)
        .getter(b)
        .setter(b);
  }

  /** Positional parameters, typed and bound as {@link #option}'s. */
  static <T> PositionalParamSpec.Builder positional(
      Supplier<T> get, Consumer<T> set, Class<?> type, Class<?>... elements) {
    Binding<T> b = new Binding<>(get, set);
    return PositionalParamSpec.builder().type(type).auxiliaryTypes(elements).getter(b).setter(b);
  }

  /** The paths a command works on: positional parameters, {@code arity} of them. */
  static PositionalParamSpec paths(
      Supplier<List<Path>> get,
      Consumer<List<Path>> set,
      String arity,
      String label,
      String description) {
    return positional(get, set, List.class, Path.class)
        .arity(arity)
        .paramLabel(label)
        .description(description)
        .build();
  }

  /** A field of a command, as picocli reads and writes it. */
  private record Binding<T>(Supplier<T> reader, Consumer<T> writer) implements IGetter, ISetter {
    @Override
    @SuppressWarnings("unchecked")
    public <V> V get() {
      return (V) reader.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V> V set(V value) {
      V old = (V) reader.get();
      writer.accept((T) value);
      return old;
    }
  }
}
