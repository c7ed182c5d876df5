package dev.iomem.api.dma;

import dev.iomem.api.pci.PciAddress;

/**
 * A scatter-gather table of DMA addresses that the CPU can never touch. It holds only
 * (DMA address, length) segments, all in one {@link DmaAddressSpace}; no method returns a CPU
 * view (no memory segment, buffer, page or virtual address), after the kernel's
 * {@code dma_buf_phys_vec_to_sgt} ("No CPU list included").
 *
 * <p>Invariants, checked when the table is built: every segment is longer than 0 and at most
 * {@link DmaConstraints#maxSegmentSize()} (itself at most 4 GiB - 1); no segment crosses the
 * constraints' boundary; every byte lies inside the DMA mask; every address is aligned as
 * constrained; the lengths add up to {@link #totalLength()}; adjacent segments were coalesced
 * only where contiguous. Consumers must use {@link #segmentCount()}, the merged count.
 *
 * <p>{@link #close()} unmaps exactly once, through the mapper that built the table; later calls
 * do nothing. Any other method called after close throws {@link IllegalStateException}.
 */
public interface DmaOnlySgTable extends AutoCloseable {

    /**
     * {@return the number of segments}
     *
     * @throws IllegalStateException if the table is closed
     */
    int segmentCount();

    /**
     * {@return the DMA address of segment {@code index}}
     *
     * @param index 0 to {@code segmentCount() - 1}
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalStateException     if the table is closed
     */
    long dmaAddress(int index);

    /**
     * {@return the length in bytes of segment {@code index}}
     *
     * @param index 0 to {@code segmentCount() - 1}
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     * @throws IllegalStateException     if the table is closed
     */
    long length(int index);

    /**
     * Passes every segment to {@code consumer}, in order.
     *
     * @param consumer receives each segment
     * @throws NullPointerException  if {@code consumer} is {@code null}
     * @throws IllegalStateException if the table is closed
     */
    void forEachSegment(DmaSegmentConsumer consumer);

    /**
     * {@return the number of bytes mapped: the sum of the segment lengths}
     *
     * @throws IllegalStateException if the table is closed
     */
    long totalLength();

    /**
     * {@return the address space of every segment}
     *
     * @throws IllegalStateException if the table is closed
     */
    DmaAddressSpace addressSpace();

    /**
     * {@return whether the target is device memory (a peer's BAR) rather than RAM}
     *
     * @throws IllegalStateException if the table is closed
     */
    boolean targetIsMmio();

    /**
     * {@return the device that will perform the DMA, if the table was built for one}
     *
     * @throws IllegalStateException if the table is closed
     */
    java.util.Optional<PciAddress> device();

    /**
     * {@return the direction of the DMA}
     *
     * @throws IllegalStateException if the table is closed
     */
    DmaDirection direction();

    /**
     * {@return the constraints the table was built for}
     *
     * @throws IllegalStateException if the table is closed
     */
    DmaConstraints constraints();

    /** {@return whether the table has been closed} */
    boolean isClosed();

    /** Unmaps the memory exactly once; later calls do nothing. */
    @Override
    void close();
}
