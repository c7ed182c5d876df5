package dev.iomem.api.pci;

import java.util.Objects;

/**
 * The peer-to-peer route from a client (the DMA master) to a provider (whose BAR is the
 * target), as the kernel's {@code calc_map_type_and_dist} decides it.
 *
 * @param provider the function that owns the memory
 * @param client   the function that performs the DMA
 * @param mapType  how the client reaches the provider
 * @param distance the kernel's distance: 0 for the same function, 2 for functions of one
 *                 device, 4 and more through switches; -1 if not supported
 * @param reason   why, in words, naming the rule that decided it
 */
public record P2pRoute(PciAddress provider, PciAddress client, P2pMapType mapType, int distance, String reason) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public P2pRoute {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(mapType, "mapType");
        Objects.requireNonNull(reason, "reason");
    }
}
