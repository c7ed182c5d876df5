package dev.iomem.core.dma;

/**
 * A range of I/O virtual addresses the IOMMU can translate, as VFIO reports it
 * ({@code struct vfio_iova_range}): both ends inclusive, unsigned.
 *
 * @param start the first address
 * @param last  the last address (inclusive)
 */
public record IovaRange(long start, long last) {

    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException if {@code last} is below {@code start} (unsigned)
     */
    public IovaRange {
        if (Long.compareUnsigned(last, start) < 0) {
            throw new IllegalArgumentException("IOVA range ends at 0x" + Long.toHexString(last)
                    + ", below its start 0x" + Long.toHexString(start));
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(last);
    }
}
