package dev.iomem.cli;

import dev.iomem.core.IoPlatform;
import dev.iomem.core.vfio.IommuPath;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioDeviceOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * How the commands that open a device through VFIO ({@code iomem vfio info}, {@code peek --vfio},
 * {@code poke --vfio}) open it: the IOMMU path to use and, for tests and containers that put them
 * elsewhere, VFIO's device files. Every field is {@code null} unless given, so that a command can
 * refuse them without {@code --vfio}.
 */
final class VfioOpenOptions {

    @Option(names = "--iommu-path", paramLabel = "auto|iommufd|group-container",
            description = "The IOMMU path: auto (iommufd where the kernel offers it, else the group and a container; the default), "
                    + "iommufd, or group-container.")
    String iommuPath;

    @Option(names = "--dev-vfio", paramLabel = "DIR", description = "VFIO's device directory (default /dev/vfio).")
    Path devVfio;

    @Option(names = "--dev-iommu", paramLabel = "FILE", description = "The iommufd device (default /dev/iommu).")
    Path devIommu;

    /** {@return whether any of these options was given} */
    boolean given() {
        return iommuPath != null || devVfio != null || devIommu != null;
    }

    /**
     * {@return the path asked for, {@code null} for auto}
     *
     * @throws BadArgumentException if {@code --iommu-path} is not auto, iommufd or group-container
     */
    IommuPath path() {
        if (iommuPath == null || iommuPath.equals("auto")) {
            return null;
        }
        for (IommuPath p : IommuPath.values()) {
            if (p.label().equals(iommuPath)) {
                return p;
            }
        }
        throw new BadArgumentException("--iommu-path " + iommuPath + " is not auto, iommufd or group-container");
    }

    /**
     * {@return the options to open a device with}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param platform   the platform for BAR accessors, or {@code null} for the default
     * @throws BadArgumentException if {@code --iommu-path} is wrong
     */
    VfioDeviceOptions options(Path pciDevices, IoPlatform platform) {
        VfioDeviceOptions d = VfioDeviceOptions.defaults();
        return new VfioDeviceOptions(path(), devVfio != null ? devVfio : d.devVfio(), devIommu != null ? devIommu : d.devIommu(),
                pciDevices, d.gateway(), platform);
    }

    /**
     * {@return how a BAR of an open device is reached, for messages and output: for example
     * {@code "0000:00:04.0 BAR0 (vfio mmap)"}}
     *
     * @param device the device
     * @param bar    the BAR index
     */
    static String describe(VfioDevice device, int bar) {
        return device.address() + " BAR" + bar + (device.barIsMapped(bar) ? " (vfio mmap)" : " (vfio pread/pwrite)");
    }
}
