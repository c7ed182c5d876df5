package dev.iomem.core.vfio;

import dev.iomem.core.IoPlatform;
import dev.iomem.core.Iomem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@link VfioDevice#open(dev.iomem.api.pci.PciAddress, VfioDeviceOptions)} opens a device:
 * the IOMMU path ({@code null} chooses), the files it uses, the system calls and the platform
 * whose backend drives the BARs. Tests point the files at a fixture tree and the gateway at a
 * mock.
 *
 * @param path       {@link IommuPath#IOMMUFD} or {@link IommuPath#GROUP_CONTAINER} to insist on
 *                   one, {@code null} to choose (iommufd where offered)
 * @param devVfio    VFIO's device directory ({@code /dev/vfio})
 * @param devIommu   the iommufd device ({@code /dev/iommu})
 * @param pciDevices the sysfs directory of PCI functions ({@code /sys/bus/pci/devices})
 * @param gateway    makes the system calls
 * @param platformOrNull the platform for BAR accessors, {@code null} for {@link Iomem#platform()}
 */
public record VfioDeviceOptions(IommuPath path, Path devVfio, Path devIommu, Path pciDevices, IoctlGateway gateway,
                                IoPlatform platformOrNull) {

    /**
     * Checks the options.
     *
     * @throws NullPointerException if a file or the gateway is {@code null}
     */
    public VfioDeviceOptions {
        Objects.requireNonNull(devVfio, "devVfio");
        Objects.requireNonNull(devIommu, "devIommu");
        Objects.requireNonNull(pciDevices, "pciDevices");
        Objects.requireNonNull(gateway, "gateway");
    }

    /** {@return the real files and system calls, the path chosen automatically} */
    public static VfioDeviceOptions defaults() {
        return new VfioDeviceOptions(null, Path.of("/dev/vfio"), Path.of("/dev/iommu"), Path.of("/sys/bus/pci/devices"),
                IoctlGateway.system(), null);
    }

    /**
     * {@return these options with the path set}
     *
     * @param newPath the path to insist on, {@code null} to choose
     */
    public VfioDeviceOptions withPath(IommuPath newPath) {
        return new VfioDeviceOptions(newPath, devVfio, devIommu, pciDevices, gateway, platformOrNull);
    }

    /**
     * {@return these options with another platform for the BAR accessors}
     *
     * @param platform the platform
     */
    public VfioDeviceOptions withPlatform(IoPlatform platform) {
        return new VfioDeviceOptions(path, devVfio, devIommu, pciDevices, gateway, Objects.requireNonNull(platform, "platform"));
    }

    /** {@return the platform for BAR accessors} */
    IoPlatform platform() {
        return platformOrNull != null ? platformOrNull : Iomem.platform();
    }

    boolean exists(Path p) {
        return Files.exists(p);
    }
}
