package dev.iomem.api;

/**
 * Limits of one block store: a single device transaction that writes several bytes at once
 * (s390x PCI STORE BLOCK, limited to 128 bytes, a multiple of 8 and 8-byte aligned).
 *
 * @param maxBytes   the longest block store, in bytes
 * @param multipleOf every block store's length is a multiple of this
 * @param alignment  every block store's device offset is a multiple of this
 */
public record BlockStoreLimits(int maxBytes, int multipleOf, int alignment) {

    /**
     * Checks the limits.
     *
     * @throws IllegalArgumentException if any value is not positive, if {@code multipleOf} or
     *                                  {@code alignment} is not a power of two, or if
     *                                  {@code maxBytes} is not a multiple of {@code multipleOf}
     */
    public BlockStoreLimits {
        if (maxBytes <= 0 || multipleOf <= 0 || alignment <= 0) {
            throw new IllegalArgumentException("block store limits must be positive: " + maxBytes + "/" + multipleOf + "/" + alignment);
        }
        if (Integer.bitCount(multipleOf) != 1 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("block store multiple and alignment must be powers of two");
        }
        if (maxBytes % multipleOf != 0) {
            throw new IllegalArgumentException("block store maximum " + maxBytes + " is not a multiple of " + multipleOf);
        }
    }

    /**
     * {@return whether a block store of {@code length} bytes at device {@code offset} is within these limits}
     *
     * @param offset the device offset of the store
     * @param length its length in bytes
     */
    public boolean permits(long offset, long length) {
        return length > 0 && length <= maxBytes && length % multipleOf == 0 && offset % alignment == 0;
    }
}
