package dev.iomem.cli;

import dev.iomem.core.pci.SysfsPciTopology;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Where the PCI commands read the machine from: the sysfs function directory and the cpuinfo
 * file. The defaults are the kernel's; other values serve tests and copies of another machine's
 * sysfs tree.
 */
final class SysfsOptions {

    @Option(names = "--sysfs", paramLabel = "DIR",
            description = "Read PCI functions from DIR instead of /sys/bus/pci/devices.")
    Path sysfs = SysfsPciTopology.DEFAULT_ROOT;

    @Option(names = "--cpuinfo", paramLabel = "FILE",
            description = "Read the CPU's vendor and family from FILE instead of /proc/cpuinfo.")
    Path cpuinfo = SysfsPciTopology.DEFAULT_CPUINFO;

    /** {@return the topology read from these places} */
    SysfsPciTopology topology() {
        return SysfsPciTopology.open(sysfs, cpuinfo);
    }
}
