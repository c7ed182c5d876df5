package dev.iomem.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code iomem vfio}: the VFIO commands. {@code bind} and {@code unbind} move a function to
 * vfio-pci and back as {@code dpdk-devbind} does; {@code info} opens it through VFIO and shows
 * what the kernel reports. {@code iomem peek --vfio} and {@code iomem poke --vfio} reach its BARs.
 */
@Command(name = "vfio", mixinStandardHelpOptions = true,
        description = {"Bind PCI functions to vfio-pci, unbind them, and show what VFIO reports for one.",
            "peek --vfio and poke --vfio read and write the BARs of a function bound to vfio-pci."},
        subcommands = {
            VfioBindCommand.class,
            VfioUnbindCommand.class,
            VfioInfoCommand.class,
            CommandLine.HelpCommand.class
        })
final class VfioCommand implements Runnable {

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a vfio command is required: bind, unbind or info (try iomem vfio --help)");
    }
}
