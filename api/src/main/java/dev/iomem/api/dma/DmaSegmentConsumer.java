package dev.iomem.api.dma;

/**
 * Receives the segments of a {@link DmaOnlySgTable}, one call per segment, without creating an
 * object per segment.
 */
@FunctionalInterface
public interface DmaSegmentConsumer {
    /**
     * Receives one segment.
     *
     * @param index      the segment's index
     * @param dmaAddress its DMA address, in the table's address space
     * @param length     its length in bytes
     */
    void accept(int index, long dmaAddress, long length);
}
