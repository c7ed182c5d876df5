package dev.iomem.core.pci;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One PCI function as read from sysfs: the api's {@link PciDevice} plus its configuration space.
 *
 * @param device the function
 * @param config its configuration space, as far as it could be read
 */
public record SysfsFunction(PciDevice device, ConfigSpace config) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public SysfsFunction {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(config, "config");
    }

    /** {@return the function's address} */
    public PciAddress address() {
        return device.address();
    }

    /**
     * {@return the function and its upstream bridges, nearest first: the walk of the kernel's
     * {@code pci_upstream_bridge()}}
     */
    public List<PciAddress> upstreamPath() {
        List<PciAddress> path = new ArrayList<>(device.upstreamBridges().size() + 1);
        path.addAll(device.upstreamBridges());
        Collections.reverse(path);
        path.addFirst(device.address());
        return List.copyOf(path);
    }
}
