package dev.iomem.api.pci;

/**
 * How a client can reach a provider's BAR, after the kernel's {@code pci_p2pdma_map_type}.
 */
public enum P2pMapType {
    /** Through a common upstream switch: the client uses PCI bus addresses. */
    BUS_ADDR,
    /** Through the host bridge: the client uses CPU physical addresses or an IOVA. */
    THRU_HOST_BRIDGE,
    /** No peer-to-peer path is known to work. */
    NOT_SUPPORTED
}
