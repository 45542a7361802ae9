package dev.a64patch.cli;

import dev.a64patch.core.closure.LoaderConfig;
import dev.a64patch.core.closure.PrepareRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The options of {@code prepare}, shared by {@code run}, {@code record} and {@code doctor}. */
final class PrepareOptionsMixin {
  Path root;
  String libraryPath;
  List<Path> also = new ArrayList<>();
  Path output;
  PatchOptionsMixin patchOptions;

  /** Adds the prepare options, and the patch options, to {@code command}. */
  PrepareOptionsMixin addTo(CommandSpec command) {
    command.addOption(
        CommandModel.option(() -> root, v -> root = v, Path.class)
            .names("--root")
            .paramLabel("DIR")
            .description(
                "Resolve paths inside DIR first, as 'qemu-aarch64 -L DIR' does: an unpacked image"
                    + " or a cross sysroot. Nothing under DIR is written.")
            .build());
    command.addOption(
        CommandModel.option(() -> libraryPath, v -> libraryPath = v, String.class)
            .names("--library-path")
            .paramLabel("PATHS")
            .description(
                "The LD_LIBRARY_PATH the program runs with (colon-separated; default: the"
                    + " environment's).")
            .build());
    command.addOption(
        CommandModel.option(() -> also, v -> also = v, List.class, Path.class)
            .names("--also")
            .paramLabel("PATH")
            .description(
                "An object the program opens with dlopen, or a directory of them (searched"
                    + " recursively); repeatable. Their closures are prepared too.")
            .build());
    command.addOption(
        CommandModel.option(() -> output, v -> output = v, Path.class)
            .names("-o", "--output")
            .paramLabel("DIR")
            .description(
                "Output directory (default: a per-user cache directory keyed by program and"
                    + " options).")
            .build());
    patchOptions = new PatchOptionsMixin().addTo(command);
    return this;
  }

  PrepareRequest request(CommandLine cmd, Path program) {
    return new PrepareRequest(
        program,
        root,
        libraryPath == null ? null : LoaderConfig.splitLibraryPath(libraryPath),
        System.getenv("LD_LIBRARY_PATH"),
        also,
        output,
        PrepareRequest.defaultCacheHome(),
        patchOptions.toOptions(cmd),
        List.of());
  }
}
