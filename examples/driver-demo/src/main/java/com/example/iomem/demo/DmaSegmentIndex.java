package com.example.iomem.demo;

import dev.iomem.api.dma.DmaOnlySgTable;

import java.util.Arrays;
import java.util.Objects;

/**
 * The correspondence between offsets in a DMA buffer and DMA addresses, taken from a
 * {@link DmaOnlySgTable}'s segments and nothing else. A mapper lists the segments in buffer
 * order, so segment {@code i} covers the buffer bytes from the sum of the lengths before it.
 * The table has no CPU view (no pointer, no memory segment) and this index needs none: that is
 * the point of a DMA-only table.
 *
 * <ul>
 *   <li>The driver goes forward ({@link #runAt}): "where is buffer byte {@code n} for the
 *       device, and how many bytes follow it contiguously", to split a transfer into one
 *       descriptor per contiguous run, as a scatter-gather driver does.</li>
 *   <li>The simulated system goes backward ({@link #bufferOffsetOf}): "which buffer byte does
 *       DMA address {@code a} reach", refusing any range that is not inside one segment, as an
 *       IOMMU refuses an unmapped IOVA.</li>
 * </ul>
 * Immutable; a snapshot of the table when it was built.
 */
public final class DmaSegmentIndex {

    private final long[] addresses;
    private final long[] lengths;
    private final long[] firstOffsets; // buffer offset of each segment's first byte
    private final long totalLength;

    private DmaSegmentIndex(long[] addresses, long[] lengths) {
        this.addresses = addresses;
        this.lengths = lengths;
        this.firstOffsets = new long[addresses.length];
        long sum = 0;
        for (int i = 0; i < lengths.length; i++) {
            firstOffsets[i] = sum;
            sum += lengths[i];
        }
        this.totalLength = sum;
    }

    /**
     * {@return the index of {@code table}'s segments}
     *
     * @param table an open table
     * @throws NullPointerException  if {@code table} is {@code null}
     * @throws IllegalStateException if the table is closed
     */
    public static DmaSegmentIndex of(DmaOnlySgTable table) {
        Objects.requireNonNull(table, "table");
        int n = table.segmentCount();
        long[] a = new long[n];
        long[] l = new long[n];
        table.forEachSegment((i, dmaAddress, length) -> {
            a[i] = dmaAddress;
            l[i] = length;
        });
        return new DmaSegmentIndex(a, l);
    }

    /** {@return the number of segments} */
    public int segmentCount() {
        return addresses.length;
    }

    /**
     * {@return the DMA address of segment {@code i}}
     *
     * @param i 0 to {@code segmentCount() - 1}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public long dmaAddress(int i) {
        return addresses[i];
    }

    /**
     * {@return the length of segment {@code i}}
     *
     * @param i 0 to {@code segmentCount() - 1}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public long length(int i) {
        return lengths[i];
    }

    /**
     * {@return the buffer offset of the first byte of segment {@code i}}
     *
     * @param i 0 to {@code segmentCount() - 1}
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public long bufferOffset(int i) {
        return firstOffsets[i];
    }

    /** {@return the number of bytes the table maps} */
    public long totalLength() {
        return totalLength;
    }

    /**
     * {@return where buffer byte {@code bufferOffset} is for the device}
     *
     * @param bufferOffset an offset in the mapped buffer
     * @throws IndexOutOfBoundsException if {@code bufferOffset} is not inside the mapped length
     */
    public DmaRun runAt(long bufferOffset) {
        Objects.checkIndex(bufferOffset, totalLength);
        int i = Arrays.binarySearch(firstOffsets, bufferOffset);
        if (i < 0) {
            i = -i - 2; // the segment that starts before the offset
        }
        long into = bufferOffset - firstOffsets[i];
        return new DmaRun(addresses[i] + into, lengths[i] - into, i);
    }

    /**
     * {@return the buffer offset that DMA address {@code dmaAddress} reaches} The whole range
     * {@code [dmaAddress, dmaAddress + length)} must lie inside one segment: a range that starts
     * in a segment and runs past its end reaches whatever follows that address, which is not
     * the buffer's next byte.
     *
     * @param dmaAddress the first DMA address of an access
     * @param length     the access's length, positive
     * @throws IllegalArgumentException if {@code length} is not positive
     * @throws DmaFault                 if the range is not inside a single segment
     */
    public long bufferOffsetOf(long dmaAddress, long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("a DMA access needs a positive length, got " + length);
        }
        for (int i = 0; i < addresses.length; i++) {
            long into = dmaAddress - addresses[i];
            // Unsigned: DMA addresses may use all 64 bits.
            if (Long.compareUnsigned(into, lengths[i]) < 0) {
                if (length > lengths[i] - into) {
                    throw new DmaFault("DMA access of " + length + " B at 0x" + Long.toHexString(dmaAddress)
                            + " runs past the end of segment " + i + " (0x" + Long.toHexString(addresses[i]) + " + "
                            + lengths[i] + " B) by " + (length - (lengths[i] - into)) + " B", dmaAddress, length);
                }
                return firstOffsets[i] + into;
            }
        }
        throw new DmaFault("DMA address 0x" + Long.toHexString(dmaAddress) + " (" + length
                + " B) is outside every segment of the table", dmaAddress, length);
    }

    /**
     * {@return the lowest address above every segment's end, or 0 if some segment ends at the
     * top of the 64-bit space} (a DMA address certain not to be mapped, for the demo's bad
     * descriptor)
     */
    public long firstAddressAboveAll() {
        long top = 0;
        for (int i = 0; i < addresses.length; i++) {
            long end = addresses[i] + lengths[i];
            if (end == 0) {
                return 0;
            }
            if (Long.compareUnsigned(end, top) > 0) {
                top = end;
            }
        }
        return top;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < addresses.length; i++) {
            sb.append(i == 0 ? "" : ", ").append("[").append(i).append("] 0x").append(Long.toHexString(addresses[i]))
                    .append(" + ").append(lengths[i]).append(" B");
        }
        return sb.toString();
    }
}
