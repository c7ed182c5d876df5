package dev.iomem.cli;

import dev.iomem.api.pci.PciAddress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@code iomem vfio bind} says about a function's IOMMU group, read from sysfs
 * ({@code ADDR/iommu_group} and the group's {@code devices/}): its number and the other devices
 * in it with their drivers. The kernel lets VFIO claim a group only when every device in it has
 * no driver or one that leaves DMA to its owner (vfio-pci, pci-stub, pcieport). Nothing here
 * throws: what cannot be read is left out.
 */
final class VfioGroups {

    /** Drivers that do not keep VFIO from claiming the group ({@code driver_managed_dma}). */
    static final Set<String> SHARING_DRIVERS = Set.of("vfio-pci", "pci-stub", "pcieport");

    private VfioGroups() {
    }

    /**
     * Another device in the group.
     *
     * @param name   its sysfs name (a PCI address for PCI functions)
     * @param driver its driver, if any
     */
    record Member(String name, Optional<String> driver) {

        /** {@return whether its driver keeps VFIO from claiming the group} */
        boolean blocksVfio() {
            return driver.isPresent() && !SHARING_DRIVERS.contains(driver.get());
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("device", name);
            m.put("driver", driver.orElse(null));
            m.put("blocksVfio", blocksVfio());
            return m;
        }

        @Override
        public String toString() {
            return name + " (" + driver.orElse("no driver") + ")";
        }
    }

    /** {@return the function's IOMMU group, if it has one} */
    static Optional<Integer> group(Path pciDevices, PciAddress device) {
        try {
            return Optional.of(Integer.parseInt(Files.readSymbolicLink(pciDevices.resolve(device.toString()).resolve("iommu_group"))
                    .getFileName().toString()));
        } catch (IOException | NumberFormatException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** {@return the other devices in the function's IOMMU group, sorted by name; empty if that cannot be read} */
    static List<Member> others(Path pciDevices, PciAddress device) {
        Path devices = pciDevices.resolve(device.toString()).resolve("iommu_group").resolve("devices");
        if (!Files.isDirectory(devices)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(devices)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(device.toString()))
                    .sorted()
                    .map(n -> new Member(n, driver(devices.resolve(n))))
                    .toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Optional<String> driver(Path dir) {
        try {
            return Optional.of(Files.readSymbolicLink(dir.resolve("driver")).getFileName().toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
