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
}
