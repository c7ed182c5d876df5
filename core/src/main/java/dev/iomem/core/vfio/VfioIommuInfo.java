package dev.iomem.core.vfio;

import dev.iomem.core.dma.IovaRange;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * What {@code VFIO_IOMMU_GET_INFO} reports about a type1 container: the IOMMU page sizes and,
 * from the capability chain, the usable IOVA ranges ({@code VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE},
 * Linux 5.4+) and the number of mappings still allowed
 * ({@code VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL}, Linux 5.10+).
 *
 * @param iovaPageSizes a bitmap of the page sizes the IOMMU supports (0 if not reported)
 * @param iovaRanges    the usable IOVA ranges, in ascending order; empty if not reported
 * @param dmaAvailable  how many more MAP_DMA calls the container allows, if reported
 */
public record VfioIommuInfo(long iovaPageSizes, List<IovaRange> iovaRanges, OptionalInt dmaAvailable) {

    /** At most this many capabilities are followed: a chain that loops is malformed. */
    private static final int MAX_CAPS = 64;

    /**
     * Copies the range list.
     *
     * @throws NullPointerException if {@code iovaRanges} or {@code dmaAvailable} is {@code null}
     */
    public VfioIommuInfo {
        iovaRanges = List.copyOf(iovaRanges);
        java.util.Objects.requireNonNull(dmaAvailable, "dmaAvailable");
    }

    /**
     * {@return the smallest IOMMU page size, or {@code fallback} if none is reported}
     *
     * @param fallback the size to assume
     */
    public long minPageSize(long fallback) {
        return iovaPageSizes == 0 ? fallback : Long.lowestOneBit(iovaPageSizes);
    }

    /**
     * Parses a {@code struct vfio_iommu_type1_info} and its capability chain, as the kernel
     * filled it in: every offset is from the start of the structure and 0 ends the chain.
     *
     * @param info the structure, {@code argsz} bytes long
     * @return what it says
     * @throws IllegalArgumentException if the structure is shorter than 24 bytes, or a
     *                                  capability lies outside it, overlaps the fixed part, is
     *                                  truncated, loops, or holds a range that ends before it
     *                                  starts
     */
    public static VfioIommuInfo parse(MemorySegment info) {
        long size = info.byteSize();
        if (size < VfioAbi.INFO_SIZE) {
            throw new IllegalArgumentException("VFIO IOMMU info is " + size + " bytes, shorter than its 24-byte header");
        }
        int flags = info.get(JAVA_INT_UNALIGNED, 4);
        long pgsizes = (flags & VfioAbi.INFO_FLAG_PGSIZES) != 0 ? info.get(JAVA_LONG_UNALIGNED, VfioAbi.INFO_OFFSET_PGSIZES) : 0;
        List<IovaRange> ranges = new ArrayList<>();
        OptionalInt avail = OptionalInt.empty();
        if ((flags & VfioAbi.INFO_FLAG_CAPS) != 0) {
            long offset = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, VfioAbi.INFO_OFFSET_CAP_OFFSET));
            int seen = 0;
            while (offset != 0) {
                if (++seen > MAX_CAPS) {
                    throw new IllegalArgumentException("VFIO IOMMU info capability chain does not end (a loop?)");
                }
                if (offset < VfioAbi.INFO_SIZE || offset > size - VfioAbi.CAP_HEADER_SIZE) {
                    throw new IllegalArgumentException("VFIO IOMMU info capability at offset " + offset
                            + " lies outside the " + size + "-byte structure");
                }
                int id = Short.toUnsignedInt(info.get(JAVA_SHORT_UNALIGNED, offset));
                long next = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, offset + 4));
                if (id == VfioAbi.CAP_IOVA_RANGE) {
                    requireRoom(offset, 16, size, "IOVA range");
                    long n = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, offset + 8));
                    requireRoom(offset, 16 + 16 * n, size, "IOVA range");
                    for (long i = 0; i < n; i++) {
                        long at = offset + 16 + 16 * i;
                        ranges.add(new IovaRange(info.get(JAVA_LONG_UNALIGNED, at), info.get(JAVA_LONG_UNALIGNED, at + 8)));
                    }
                } else if (id == VfioAbi.CAP_DMA_AVAIL) {
                    requireRoom(offset, 12, size, "DMA available");
                    avail = OptionalInt.of(info.get(JAVA_INT_UNALIGNED, offset + 8));
                }
                offset = next;
            }
        }
        ranges.sort((a, b) -> Long.compareUnsigned(a.start(), b.start()));
        return new VfioIommuInfo(pgsizes, ranges, avail);
    }

    private static void requireRoom(long offset, long length, long size, String what) {
        if (length > size - offset) {
            throw new IllegalArgumentException("VFIO IOMMU info " + what + " capability at offset " + offset
                    + " is cut off by the end of the " + size + "-byte structure");
        }
    }
}
