package dev.iomem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code iomem}: architecture-correct PCI BAR access and DMA-only scatter-gather tables.
 */
@Command(name = "iomem",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Architecture-correct PCI BAR (MMIO) access and DMA-only scatter-gather tables.",
        subcommands = {
            ProbeCommand.class,
            DevicesCommand.class,
            P2pCommand.class,
            PeekCommand.class,
            PokeCommand.class,
            RegsCommand.class,
            VfioCommand.class,
            MapCommand.class,
            TraceCommand.class,
            ConformanceCommand.class,
            CommandLine.HelpCommand.class
        })
final class IomemCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (try iomem probe, or iomem --help)");
    }
}
