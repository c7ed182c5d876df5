package dev.iomem.api;

/**
 * An access, copy, fill or slice whose range is not inside the accessor's window, whose length
 * is negative, or whose end overflows. Raised before any device transaction.
 */
public final class OutOfBoundsAccessException extends IoAccessException {
    /**
     * Creates the exception.
     *
     * @param what   what was attempted, such as {@code "copyToIo"}
     * @param offset the requested offset
     * @param length the requested length
     * @param size   the size of the window
     */
    public OutOfBoundsAccessException(String what, long offset, long length, long size) {
        super(what + " of " + length + " bytes at offset " + offset + " is out of bounds of a window of " + size + " bytes",
                offset, length);
    }

    /**
     * Creates the exception with a message of its own.
     *
     * @param message the message
     * @param offset  the requested offset
     * @param length  the requested length
     */
    public OutOfBoundsAccessException(String message, long offset, long length) {
        super(message, offset, length);
    }
}
