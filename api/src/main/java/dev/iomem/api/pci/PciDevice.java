package dev.iomem.api.pci;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One PCI function as the kernel describes it.
 *
 * @param address         its address
 * @param vendorId        the vendor ID
 * @param deviceId        the device ID
 * @param classCode       the 24-bit class code (base class, subclass, programming interface)
 * @param driver          the bound driver's name, if any
 * @param bars            BARs 0 to 5, present or not
 * @param iommuGroup      the IOMMU group, if the function is behind an IOMMU
 * @param numaNode        the NUMA node, if known (sysfs reports -1 when not)
 * @param upstreamBridges the bridges above it, from the root port down to its parent
 * @param hostBridge      the host bridge's sysfs name, for example {@code pci0000:00}
 */
public record PciDevice(PciAddress address, int vendorId, int deviceId, int classCode, Optional<String> driver,
                        List<Bar> bars, OptionalInt iommuGroup, OptionalInt numaNode,
                        List<PciAddress> upstreamBridges, String hostBridge) {

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException if a reference argument is {@code null}
     */
    public PciDevice {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(driver, "driver");
        bars = List.copyOf(bars);
        Objects.requireNonNull(iommuGroup, "iommuGroup");
        Objects.requireNonNull(numaNode, "numaNode");
        upstreamBridges = List.copyOf(upstreamBridges);
        Objects.requireNonNull(hostBridge, "hostBridge");
    }

    /**
     * {@return BAR {@code index}}
     *
     * @param index 0 to 5
     * @throws IllegalArgumentException if {@code index} is not 0 to 5, or the BAR is not present
     */
    public Bar bar(int index) {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("BAR index " + index + " is not 0 to 5 (" + address + ")");
        }
        for (Bar b : bars) {
            if (b.index() == index && b.present()) {
                return b;
            }
        }
        throw new IllegalArgumentException(address + " has no BAR " + index);
    }

    /** {@return whether this function is a bridge (class 0x06)} */
    public boolean isBridge() {
        return (classCode >>> 16) == 0x06;
    }
}
