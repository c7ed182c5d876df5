package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.pci.PciAddress;

import java.util.Objects;

/**
 * The peer-BAR half of a {@link dev.iomem.api.dma.DmaMapper} while it is not wired to the PCI
 * topology: the arguments are checked as the contract says, then the call is refused.
 */
final class PeerBarMapping {

    private PeerBarMapping() {
    }

    /**
     * {@return the refusal to throw, after checking the arguments}
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, {@code offset} is
     *                                  negative or {@code length} is not positive
     */
    static DmaMappingException notWired(String mapper, PciAddress provider, int bar, long offset, long length,
                                        PciAddress client, DmaConstraints constraints) {
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
        return new DmaMappingException("the " + mapper + " mapper cannot map BAR " + bar + " of " + provider + " for "
                + client + " yet: peer-to-peer mapping needs the PCI topology route, which is not wired to it");
    }
}
