package dev.iomem.cli;

import dev.iomem.core.pci.SysfsPciTopology;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where the {@code iomem vfio} commands find PCI functions: {@code --sysfs DIR}, the directory of
 * functions as for the other PCI commands ({@code /sys/bus/pci/devices}). Binding also uses its
 * parent, the bus directory, for {@code drivers/} and {@code drivers_probe}. Other values serve
 * tests and copies of another machine's sysfs tree.
 */
final class VfioSysfsOption {

    @Option(names = "--sysfs", paramLabel = "DIR",
            description = "Read PCI functions from DIR instead of /sys/bus/pci/devices "
                    + "(bind and unbind use DIR/../drivers and DIR/../drivers_probe).")
    Path sysfs = SysfsPciTopology.DEFAULT_ROOT;

    /** {@return the directory of PCI functions} */
    Path pciDevices() {
        return sysfs;
    }

    /** {@return the PCI bus directory above it, which holds {@code drivers/} and {@code drivers_probe}} */
    Path pciBus() {
        Path parent = sysfs.toAbsolutePath().normalize().getParent();
        if (parent == null) {
            throw new BadArgumentException("--sysfs " + sysfs + " has no parent directory to hold drivers/ and drivers_probe");
        }
        return parent;
    }
}
