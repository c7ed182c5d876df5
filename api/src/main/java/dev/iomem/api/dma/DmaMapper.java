package dev.iomem.api.dma;

import dev.iomem.api.pci.PciAddress;

import java.lang.foreign.MemorySegment;

/**
 * Builds {@link DmaOnlySgTable}s: the seed proposal's {@code sgl_dma_map_user} and
 * {@code sgl_dma_map_pci_bar}.
 */
public interface DmaMapper {

    /** {@return the mapper's name, for example {@code "pagemap"} or {@code "vfio-type1"}} */
    String name();

    /** {@return the address space of the tables this mapper builds for user memory} */
    DmaAddressSpace addressSpace();

    /**
     * Pins user memory and returns the addresses {@code device} must use to reach it.
     *
     * @param device      the device that will perform the DMA
     * @param buffer      native memory of this process, page aligned
     * @param direction   the direction of the DMA
     * @param constraints what the device can address
     * @return the table; closing it unpins and unmaps the memory
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code buffer} is not native, is empty, or is not
     *                                  page aligned
     * @throws IllegalStateException    if {@code buffer}'s arena is closed
     * @throws DmaMappingException      if the memory cannot be pinned or translated, or an
     *                                  address lies outside the constraints; nothing is left
     *                                  pinned or mapped
     */
    DmaOnlySgTable mapUser(PciAddress device, MemorySegment buffer, DmaDirection direction, DmaConstraints constraints);

    /**
     * Maps a range of a peer's BAR for DMA by {@code client}.
     *
     * @param provider    the function whose BAR is the target
     * @param bar         the BAR index, 0 to 5
     * @param offset      the offset of the range within the BAR
     * @param length      the length of the range
     * @param client      the function that will perform the DMA
     * @param constraints what the client can address
     * @return the table, in {@link DmaAddressSpace#PCI_BUS} space through a switch, or
     *         physical / IOVA space through the host bridge
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, the BAR is absent or I/O
     *                                  space, or the range is not inside it
     * @throws DmaMappingException      if there is no peer-to-peer route (the message names
     *                                  the route and why), or an address lies outside the
     *                                  constraints: MMIO cannot bounce
     */
    DmaOnlySgTable mapPciBar(PciAddress provider, int bar, long offset, long length, PciAddress client, DmaConstraints constraints);
}
