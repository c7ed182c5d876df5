package dev.iomem.core.dma;

import dev.iomem.core.vfio.IoctlGateway;

import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.pci.PciAddress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Chooses how to map memory for a device: VFIO type1 when {@code /dev/vfio} is usable for the
 * device's IOMMU group, pagemap (physical addresses) otherwise, with the reason either way.
 */
public final class DmaMappers {

    private DmaMappers() {
    }

    /**
     * Chooses a mapper for {@code device} on this machine.
     *
     * @param device the device that will perform the DMA, or {@code null} for none (pagemap)
     * @return the mapper and why; close it when done
     */
    public static DmaMapperChoice select(PciAddress device) {
        return select(device, IoctlGateway.system(), VfioDmaMapper.DEV_VFIO, VfioDmaMapper.SYSFS_PCI_DEVICES);
    }

    /**
     * Chooses a mapper with the given system calls and directories (tests).
     *
     * @param device     the device, or {@code null} for none
     * @param gateway    the system calls VFIO would make
     * @param devVfio    the directory of VFIO's device files
     * @param pciDevices the sysfs directory of PCI functions
     * @return the mapper and why
     * @throws NullPointerException if {@code gateway}, {@code devVfio} or {@code pciDevices}
     *                              is {@code null}
     */
    public static DmaMapperChoice select(PciAddress device, IoctlGateway gateway, Path devVfio, Path pciDevices) {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(devVfio, "devVfio");
        Objects.requireNonNull(pciDevices, "pciDevices");
        String why = vfioUnusable(device, devVfio, pciDevices);
        if (why == null) {
            try {
                VfioDmaMapper vfio = VfioDmaMapper.open(device, gateway, devVfio, pciDevices);
                return new DmaMapperChoice(vfio, "VFIO type1 through " + devVfio.resolve(Integer.toString(vfio.group()))
                        + ": IOMMU group " + vfio.group() + " of " + device + " is usable");
            } catch (DmaMappingException e) {
                why = "VFIO failed: " + e.getMessage();
            }
        }
        String caveat = device != null && Files.isSymbolicLink(pciDevices.resolve(device.toString()).resolve("iommu_group"))
                ? " (physical addresses reach the device only if its IOMMU is in passthrough)" : "";
        return new DmaMapperChoice(PagemapDmaMapper.create(), "pagemap, physical addresses: " + why + caveat);
    }

    /** {@return why VFIO cannot serve {@code device}, or null if it looks usable} */
    private static String vfioUnusable(PciAddress device, Path devVfio, Path pciDevices) {
        if (device == null) {
            return "no device was named, and VFIO maps for a device's IOMMU group";
        }
        Path container = devVfio.resolve("vfio");
        if (!Files.exists(container)) {
            return "there is no " + container + " on this machine (vfio-pci not loaded)";
        }
        int group;
        try {
            group = VfioDmaMapper.iommuGroup(pciDevices, device);
        } catch (DmaMappingException e) {
            return e.getMessage();
        }
        Path groupFile = devVfio.resolve(Integer.toString(group));
        if (!Files.exists(groupFile)) {
            return "IOMMU group " + group + " of " + device + " has no " + groupFile + " (bind the device to vfio-pci)";
        }
        if (!Files.isReadable(groupFile) || !Files.isWritable(groupFile) || !Files.isReadable(container)
                || !Files.isWritable(container)) {
            return "this user cannot open " + groupFile + " and " + container + " for reading and writing";
        }
        return null;
    }
}
