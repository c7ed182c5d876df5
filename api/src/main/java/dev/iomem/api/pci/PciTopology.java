package dev.iomem.api.pci;

import java.util.List;
import java.util.Optional;

/**
 * The PCI functions of a machine and the peer-to-peer routes between them.
 */
public interface PciTopology {

    /** {@return every PCI function, in address order} */
    List<PciDevice> devices();

    /**
     * {@return the function at {@code address}, if there is one}
     *
     * @param address the address
     * @throws NullPointerException if {@code address} is {@code null}
     */
    Optional<PciDevice> device(PciAddress address);

    /**
     * {@return the route by which {@code client} can DMA into {@code provider}'s memory}
     *
     * @param provider the function whose BAR is the target
     * @param client   the function that performs the DMA
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if either function does not exist
     */
    P2pRoute route(PciAddress provider, PciAddress client);

    /**
     * {@return the PCI bus address of the start of BAR {@code bar}: what a peer on the same
     * side of the host bridge must put on the bus to reach it}. It differs from the CPU address
     * ({@link Bar#start()}) where the host bridge translates addresses.
     *
     * @param address the function
     * @param bar     the BAR index, 0 to 5
     * @throws NullPointerException          if {@code address} is {@code null}
     * @throws IllegalArgumentException      if there is no such function, {@code bar} is not 0 to 5,
     *                                       or the BAR is absent
     * @throws IllegalStateException         if the bus address cannot be determined (the BAR
     *                                       register is not readable or reads 0, as an SR-IOV
     *                                       virtual function's do)
     * @throws UnsupportedOperationException if this topology does not know bus addresses (the
     *                                       default)
     */
    default long busAddress(PciAddress address, int bar) {
        throw new UnsupportedOperationException(getClass().getName() + " does not know PCI bus addresses");
    }

    /**
     * {@return the bus offset of BAR {@code bar}: bus address minus CPU address, so that
     * {@code busAddress = cpuAddress + busOffset} for every address inside the BAR} (the kernel's
     * {@code pci_p2pdma_add_resource()}: {@code bus_offset = pci_bus_address() - pci_resource_start()})
     *
     * @param address the function
     * @param bar     the BAR index, 0 to 5
     * @throws NullPointerException          if {@code address} is {@code null}
     * @throws IllegalArgumentException      if there is no such function, {@code bar} is not 0 to 5,
     *                                       or the BAR is absent
     * @throws IllegalStateException         if the bus address cannot be determined, as for
     *                                       {@link #busAddress(PciAddress, int)}
     * @throws UnsupportedOperationException if this topology does not know bus addresses
     */
    default long busOffset(PciAddress address, int bar) {
        long bus = busAddress(address, bar);
        PciDevice d = device(address).orElseThrow(() -> new IllegalArgumentException("no PCI function " + address));
        return bus - d.bar(bar).start();
    }
}
