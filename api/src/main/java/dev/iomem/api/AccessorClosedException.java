package dev.iomem.api;

/**
 * An access through an accessor (or a slice of one) that has been closed. Raised before any
 * device transaction.
 */
public final class AccessorClosedException extends IoAccessException {
    /**
     * Creates the exception.
     *
     * @param what   what was attempted
     * @param offset the requested offset
     * @param length the requested length
     */
    public AccessorClosedException(String what, long offset, long length) {
        super(what + " on a closed accessor", offset, length);
    }
}
