package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.P2pRoute;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;
import dev.iomem.api.pci.PciTopology;
import dev.iomem.core.pci.SysfsPciTopology;

import java.util.Objects;

/**
 * The seed's {@code sgl_dma_map_pci_bar}: a DMA-only table through which {@code client} reaches
 * a range of {@code provider}'s BAR, routed as the kernel's {@code pci_p2pdma_map_type} does.
 * <ul>
 *   <li>{@code BUS_ADDR} (a common switch, no ACS redirect): {@link DmaAddressSpace#PCI_BUS},
 *       bus address = CPU address + the bus offset read from config space;</li>
 *   <li>{@code THRU_HOST_BRIDGE}: without an IOMMU, {@link DmaAddressSpace#PHYSICAL} CPU
 *       addresses (dma-direct's {@code dma_map_resource}); with one, the BAR would have to be
 *       mapped into the IOMMU, which iomem does not do yet, so it is refused with that reason;</li>
 *   <li>{@code NOT_SUPPORTED}: refused, naming the route and the kernel's reason.</li>
 * </ul>
 * Segments are split at the constraints' maximum size and boundary; an address outside the DMA
 * mask is an error, because MMIO cannot bounce. Nothing is pinned or mapped, so closing the
 * table has nothing to undo.
 */
final class PeerBarMapping {

    private PeerBarMapping() {
    }

    /** The machine's topology, read once on first use. */
    private static final class System {
        static final SysfsPciTopology TOPOLOGY = SysfsPciTopology.system();
    }

    /** {@return this machine's sysfs topology, read on first use} */
    static PciTopology systemTopology() {
        return System.TOPOLOGY;
    }

    /**
     * Maps a peer BAR range.
     *
     * @param mapper      the mapper's name, for messages
     * @param iommu       whether the client is behind an IOMMU (VFIO) or not (pagemap)
     * @param topology    the PCI topology
     * @param provider    the function whose BAR is the target
     * @param bar         the BAR index
     * @param offset      the offset in the BAR
     * @param length      the length of the range
     * @param client      the function that performs the DMA
     * @param constraints what the client can address
     * @return the table
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, the BAR is absent or I/O
     *                                  space, a function does not exist, or the range is not
     *                                  inside the BAR
     * @throws DmaMappingException      if there is no route, or an address is outside the mask
     */
    static DmaOnlySgTable map(String mapper, boolean iommu, PciTopology topology, PciAddress provider, int bar, long offset,
                              long length, PciAddress client, DmaConstraints constraints) {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(constraints, "constraints");
        if (bar < 0 || bar > 5) {
            throw new IllegalArgumentException("BAR index must be 0 to 5, got " + bar);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("BAR offset must not be negative, got " + offset);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("BAR range length must be positive, got " + length);
        }
        PciDevice device = topology.device(provider)
                .orElseThrow(() -> new IllegalArgumentException("no PCI function " + provider));
        topology.device(client).orElseThrow(() -> new IllegalArgumentException("no PCI function " + client));
        Bar b = device.bar(bar);
        if (b.isIo()) {
            throw new IllegalArgumentException(provider + " BAR " + bar + " is I/O port space, not memory: it cannot be a DMA target");
        }
        if (offset > b.size() || length > b.size() - offset) {
            throw new IllegalArgumentException("range of " + length + " bytes at offset " + offset + " is outside "
                    + provider + " BAR " + bar + " (" + b.size() + " bytes)");
        }
        P2pRoute route = topology.route(provider, client);
        DmaAddressSpace space;
        long start;
        switch (route.mapType()) {
            case BUS_ADDR -> {
                space = DmaAddressSpace.PCI_BUS;
                start = topology.busAddress(provider, bar) + offset;
            }
            case THRU_HOST_BRIDGE -> {
                if (iommu) {
                    throw new DmaMappingException("the " + mapper + " mapper cannot map " + provider + " BAR " + bar + " for " + client
                            + " through the host bridge: that needs the BAR mapped into the client's IOMMU, which iomem does not do yet ("
                            + route.reason() + ")");
                }
                space = DmaAddressSpace.PHYSICAL;
                start = b.start() + offset;
            }
            case NOT_SUPPORTED -> throw new DmaMappingException("no peer-to-peer route from " + client + " to " + provider
                    + " BAR " + bar + ": " + route.reason());
            default -> throw new IllegalStateException("unknown map type " + route.mapType());
        }
        DmaTableBuilder builder = DmaTableBuilder.create(space, constraints, DmaDirection.BIDIRECTIONAL, client, true);
        builder.add(start, length);
        return builder.build(() -> { });
    }
}
