package dev.iomem.api.dma;

/**
 * Which address space every segment of a {@link DmaOnlySgTable} is in. A table is never mixed.
 */
public enum DmaAddressSpace {
    /** I/O virtual addresses, translated by an IOMMU (VFIO type1, iommufd). */
    IOVA,
    /** CPU physical addresses, used directly by a device behind no IOMMU. */
    PHYSICAL,
    /** PCI bus addresses, for peer-to-peer through a switch (CPU address + the bus offset). */
    PCI_BUS
}
