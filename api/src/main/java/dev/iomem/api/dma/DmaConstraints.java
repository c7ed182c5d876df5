package dev.iomem.api.dma;

/**
 * What a device's DMA engine can address, after the kernel's {@code dma_mask},
 * {@code dma_get_max_seg_size} and {@code dma_get_seg_boundary}.
 *
 * @param addressBits     the width of the DMA mask, 1 to 64: every byte of every segment must
 *                        lie below {@code 2^addressBits}
 * @param maxSegmentSize  the longest segment, 1 to {@link #MAX_SEGMENT_LENGTH}
 * @param boundaryMask    a mask of the form {@code 2^n - 1}: no segment crosses a multiple of
 *                        {@code boundaryMask + 1}; {@code -1} (all ones) for none
 * @param alignment       a power of two every segment's address must be a multiple of
 */
public record DmaConstraints(int addressBits, long maxSegmentSize, long boundaryMask, long alignment) {

    /**
     * The longest segment any table holds, 4 GiB - 1: the scatterlist's DMA length is an
     * {@code unsigned int}.
     */
    public static final long MAX_SEGMENT_LENGTH = 0xFFFF_FFFFL;

    /** The kernel's defaults: a 32-bit mask, 64 KiB segments, no boundary, byte alignment. */
    public static final DmaConstraints KERNEL_DEFAULT = new DmaConstraints(32, 65536, -1L, 1);

    /** A 64-bit device with the largest segments and no boundary. */
    public static final DmaConstraints UNRESTRICTED = new DmaConstraints(64, MAX_SEGMENT_LENGTH, -1L, 1);

    /**
     * Checks the constraints.
     *
     * @throws IllegalArgumentException if {@code addressBits} is not 1 to 64, if
     *                                  {@code maxSegmentSize} is not 1 to
     *                                  {@link #MAX_SEGMENT_LENGTH}, if {@code boundaryMask} is
     *                                  not {@code 2^n - 1} (n &ge; 1), or if {@code alignment}
     *                                  is not a positive power of two
     */
    public DmaConstraints {
        if (addressBits < 1 || addressBits > 64) {
            throw new IllegalArgumentException("DMA address bits must be 1 to 64, got " + addressBits);
        }
        if (maxSegmentSize < 1 || maxSegmentSize > MAX_SEGMENT_LENGTH) {
            throw new IllegalArgumentException("max segment size must be 1 to " + MAX_SEGMENT_LENGTH + " bytes, got " + maxSegmentSize);
        }
        if (boundaryMask == 0 || (boundaryMask & (boundaryMask + 1)) != 0) {
            throw new IllegalArgumentException("segment boundary mask must be 2^n-1, got 0x" + Long.toHexString(boundaryMask));
        }
        if (alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("DMA alignment must be a power of two, got " + alignment);
        }
    }

    /** {@return the DMA mask: the highest address the device can reach} */
    public long dmaMask() {
        return addressBits == 64 ? -1L : (1L << addressBits) - 1;
    }

    /**
     * {@return these constraints with another address width}
     *
     * @param bits 1 to 64
     * @throws IllegalArgumentException if {@code bits} is out of range
     */
    public DmaConstraints withAddressBits(int bits) {
        return new DmaConstraints(bits, maxSegmentSize, boundaryMask, alignment);
    }

    /**
     * {@return these constraints with another maximum segment size}
     *
     * @param bytes 1 to {@link #MAX_SEGMENT_LENGTH}
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public DmaConstraints withMaxSegmentSize(long bytes) {
        return new DmaConstraints(addressBits, bytes, boundaryMask, alignment);
    }

    /**
     * {@return these constraints with another boundary mask}
     *
     * @param mask {@code 2^n - 1}, or -1 for none
     * @throws IllegalArgumentException if {@code mask} is not of that form
     */
    public DmaConstraints withBoundaryMask(long mask) {
        return new DmaConstraints(addressBits, maxSegmentSize, mask, alignment);
    }

    /**
     * {@return these constraints with another alignment}
     *
     * @param bytes a power of two
     * @throws IllegalArgumentException if {@code bytes} is not a power of two
     */
    public DmaConstraints withAlignment(long bytes) {
        return new DmaConstraints(addressBits, maxSegmentSize, boundaryMask, bytes);
    }
}
