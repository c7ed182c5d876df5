package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;

import java.util.Arrays;
import java.util.Objects;

/**
 * Builds a {@link DmaOnlySgTable} from DMA ranges in address order, checking every invariant as
 * it goes, the way the kernel's scatterlist mapping does (kernel/dma/direct.c,
 * drivers/iommu/dma-iommu.c {@code __finalise_sg}):
 * <ul>
 *   <li>a range that starts where the previous segment ends is merged into it, as long as the
 *       segment stays within {@link DmaConstraints#maxSegmentSize()} and does not cross a
 *       multiple of {@code boundaryMask + 1} ({@code dma_get_seg_boundary});</li>
 *   <li>a range longer than that is split at the maximum segment size and at the boundary;</li>
 *   <li>every byte must lie inside the DMA mask: an address outside it is an error, never
 *       truncated and never bounced (MMIO cannot bounce, and iomem bounces nothing);</li>
 *   <li>every segment starts at a multiple of {@link DmaConstraints#alignment()};</li>
 *   <li>every segment is longer than 0 and at most 4 GiB - 1 (the scatterlist's
 *       {@code unsigned int} DMA length);</li>
 *   <li>a {@link DmaAddressSpace#PHYSICAL} table never holds address 0: a zero physical address
 *       is what an unprivileged pagemap read returns, never a real DMA target.</li>
 * </ul>
 * All segments are in the one address space given at creation: a table is homogeneous by
 * construction.
 *
 * <p>Storage is one {@code long[]} of (address, length) pairs grown geometrically; the segment
 * being extended lives in two fields, so {@link #add} of a contiguous page allocates nothing.
 * A builder is for one thread and one table.
 */
public final class DmaTableBuilder {

    /** The most segments a table holds (a 2^30-element array of pairs, 8 GiB). */
    private static final int MAX_SEGMENTS = 1 << 29;

    private final DmaAddressSpace space;
    private final DmaConstraints constraints;
    private final DmaDirection direction;
    private final PciAddress device;
    private final boolean targetIsMmio;
    private final long mask;
    private final long boundaryMask;
    private final long alignMask;
    private final long maxChunk;

    private long[] pairs = new long[32];
    private int count;          // segments flushed to pairs
    private long curStart;      // the segment being extended, if curLen != 0
    private long curLen;
    private long total;
    private boolean built;

    private DmaTableBuilder(DmaAddressSpace space, DmaConstraints constraints, DmaDirection direction,
                            PciAddress device, boolean targetIsMmio) {
        this.space = space;
        this.constraints = constraints;
        this.direction = direction;
        this.device = device;
        this.targetIsMmio = targetIsMmio;
        this.mask = constraints.dmaMask();
        this.boundaryMask = constraints.boundaryMask();
        this.alignMask = constraints.alignment() - 1;
        long max = constraints.maxSegmentSize();
        // Splitting at the maximum segment size must leave the next segment aligned.
        this.maxChunk = max >= constraints.alignment() ? max & ~alignMask : max;
    }

    /**
     * Starts a table.
     *
     * @param space        the address space of every segment
     * @param constraints  what the device can address
     * @param direction    the direction of the DMA
     * @param device       the device that will perform the DMA, or {@code null} if none is known
     * @param targetIsMmio whether the target is device memory (a peer's BAR)
     * @return a new builder
     * @throws NullPointerException if {@code space}, {@code constraints} or {@code direction}
     *                              is {@code null}
     */
    public static DmaTableBuilder create(DmaAddressSpace space, DmaConstraints constraints, DmaDirection direction,
                                         PciAddress device, boolean targetIsMmio) {
        return new DmaTableBuilder(Objects.requireNonNull(space, "address space"),
                Objects.requireNonNull(constraints, "constraints"), Objects.requireNonNull(direction, "direction"),
                device, targetIsMmio);
    }

    /**
     * Reserves room for {@code segments} segments, so that building a table of a known number of
     * pages does not grow the storage.
     *
     * @param segments the expected number of segments
     * @return this builder
     * @throws IllegalArgumentException if {@code segments} is negative or above 2^29, the most
     *                                  segments a table holds
     */
    public DmaTableBuilder ensureCapacity(int segments) {
        if (segments < 0 || segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segment capacity must be 0 to 2^29, got " + segments);
        }
        if (pairs.length < 2 * segments) {
            pairs = Arrays.copyOf(pairs, 2 * segments);
        }
        return this;
    }

    /**
     * Adds the range {@code [dmaAddress, dmaAddress + length)}, after every range added before
     * it. If the range is refused, the builder is as it was before the call.
     *
     * @param dmaAddress the range's first DMA address, in this table's address space
     *                   (unsigned)
     * @param length     the range's length in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code length} is not positive, the range wraps past
     *                                  2^64, the table's total length would exceed
     *                                  {@link Long#MAX_VALUE}, or the range alone needs more
     *                                  segments of the maximum size than a table holds (2^29)
     * @throws IllegalStateException    if {@link #build} was called
     * @throws DmaMappingException      if any byte of the range lies above the DMA mask, the
     *                                  range starts at address 0 in a
     *                                  {@link DmaAddressSpace#PHYSICAL} table, or a segment
     *                                  would start at an address that is not a multiple of the
     *                                  constraints' alignment
     */
    public DmaTableBuilder add(long dmaAddress, long length) {
        if (built) {
            throw new IllegalStateException("this DMA table builder has already built its table");
        }
        if (length <= 0) {
            throw new IllegalArgumentException("DMA segment length must be positive, got " + length);
        }
        long last = dmaAddress + length - 1;
        if (Long.compareUnsigned(last, dmaAddress) < 0) {
            throw new IllegalArgumentException("DMA range 0x" + Long.toHexString(dmaAddress) + " + " + length
                    + " bytes wraps past the top of the 64-bit address space");
        }
        if (Long.compareUnsigned(last, mask) > 0) {
            throw outsideMask(dmaAddress, length, last);
        }
        if (dmaAddress == 0 && space == DmaAddressSpace.PHYSICAL) {
            throw new DmaMappingException("physical DMA address 0 refused: it is what an unprivileged or failed "
                    + "translation reads, never a real DMA target");
        }
        if (total + length < 0) {
            throw new IllegalArgumentException("DMA table longer than " + Long.MAX_VALUE + " bytes");
        }
        // The common case: a page that continues the current segment and still fits in it.
        if (curLen != 0 && dmaAddress == curStart + curLen) {
            long grown = curLen + length;
            if (grown <= maxChunk && ((curStart ^ last) & ~boundaryMask) == 0) {
                curLen = grown;
                total += length;
                return this;
            }
        }
        // Refused before anything grows: the range needs at least this many new segments.
        long atLeast = (length - 1) / maxChunk + 1;
        if (atLeast > MAX_SEGMENTS - count) {
            throw new IllegalArgumentException("DMA range of " + length + " bytes needs at least " + atLeast
                    + " segments of at most " + maxChunk + " bytes; a table holds at most 2^29");
        }
        addSplitting(dmaAddress, length);
        total += length;
        return this;
    }

    private void addSplitting(long address, long length) {
        int savedCount = count;
        long savedStart = curStart;
        long savedLen = curLen;
        try {
            long a = address;
            long rest = length;
            if (curLen != 0 && a == curStart + curLen) {
                long room = roomFrom(curStart) - curLen;
                if (room > 0) {
                    long take = Math.min(room, rest);
                    curLen += take;
                    a += take;
                    rest -= take;
                }
            }
            while (rest > 0) {
                if ((a & alignMask) != 0) {
                    throw new DmaMappingException("DMA segment would start at 0x" + Long.toHexString(a)
                            + ", not a multiple of the required alignment of " + constraints.alignment() + " bytes");
                }
                flush();
                long take = Math.min(roomFrom(a), rest);
                curStart = a;
                curLen = take;
                a += take;
                rest -= take;
            }
        } catch (RuntimeException e) {
            count = savedCount;
            curStart = savedStart;
            curLen = savedLen;
            throw e;
        }
    }

    /** The longest segment that may start at {@code start}: the maximum size, cut at the boundary. */
    private long roomFrom(long start) {
        long toBoundaryMinusOne = boundaryMask - (start & boundaryMask); // unsigned, >= 0
        if (Long.compareUnsigned(toBoundaryMinusOne, maxChunk - 1) >= 0) {
            return maxChunk;
        }
        return toBoundaryMinusOne + 1;
    }

    private void flush() {
        if (curLen == 0) {
            return;
        }
        if (2 * count + 2 > pairs.length) {
            if (pairs.length >= 2 * MAX_SEGMENTS) {
                throw new IllegalStateException("DMA table would exceed 2^29 segments");
            }
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * count] = curStart;
        pairs[2 * count + 1] = curLen;
        count++;
        curLen = 0;
    }

    private DmaMappingException outsideMask(long address, long length, long last) {
        return new DmaMappingException("DMA range 0x" + Long.toHexString(address) + " + " + length + " bytes ends at 0x"
                + Long.toHexString(last) + ", above the device's " + constraints.addressBits() + "-bit DMA mask 0x"
                + Long.toHexString(mask) + (targetIsMmio ? " (MMIO cannot bounce)" : "")
                + ": the device cannot reach it, and iomem never truncates an address; use memory the device can"
                + " reach or a wider DMA mask");
    }

    /** {@return the number of segments so far} */
    public int segmentCount() {
        return count + (curLen != 0 ? 1 : 0);
    }

    /** {@return the number of bytes added so far} */
    public long totalLength() {
        return total;
    }

    /**
     * Finishes the table. The builder cannot be used afterwards.
     *
     * @param unmapOnce what {@link DmaOnlySgTable#close()} runs, exactly once, to unmap the
     *                  memory; if this method throws, it is not run and stays the caller's to run
     * @return the table
     * @throws NullPointerException  if {@code unmapOnce} is {@code null}
     * @throws IllegalStateException if no range was added, or the table was already built
     */
    public DmaOnlySgTable build(Runnable unmapOnce) {
        Objects.requireNonNull(unmapOnce, "unmapOnce");
        if (built) {
            throw new IllegalStateException("this DMA table builder has already built its table");
        }
        if (curLen == 0 && count == 0) {
            throw new IllegalStateException("a DMA table needs at least one segment");
        }
        flush();
        built = true;
        long[] packed = pairs.length == 2 * count ? pairs : Arrays.copyOf(pairs, 2 * count);
        pairs = null;
        return new PackedDmaTable(packed, count, total, space, targetIsMmio, device, direction, constraints, unmapOnce);
    }
}
