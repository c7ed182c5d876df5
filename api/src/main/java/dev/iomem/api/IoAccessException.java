package dev.iomem.api;

/**
 * An access to device memory that was refused, or that the device or kernel failed. Every
 * subtype except {@link IoFaultException} is raised <em>before</em> any device transaction,
 * so a refused access leaves the bus untouched.
 *
 * <p>It extends {@link IllegalStateException} so that code which handles the
 * {@code IllegalStateException} of a closed {@link java.lang.foreign.Arena} (a race between an
 * access and {@code close()}) handles every refusal of an accessor the same way.
 */
public abstract sealed class IoAccessException extends IllegalStateException
        permits MisalignedAccessException, WidthNotAllowedException, OutOfBoundsAccessException,
                BoundaryCrossingException, ReadOnlyWindowException, AccessorClosedException, IoFaultException {

    /** The device offset. */
    private final long offset;
    /** The length in bytes. */
    private final long length;

    /**
     * Creates an exception about an access of {@code length} bytes at {@code offset}.
     *
     * @param message the whole message
     * @param offset  the offset of the refused access within the accessor
     * @param length  its length in bytes
     */
    protected IoAccessException(String message, long offset, long length) {
        super(message);
        this.offset = offset;
        this.length = length;
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message the whole message
     * @param offset  the offset of the access within the accessor
     * @param length  its length in bytes
     * @param cause   the underlying failure
     */
    protected IoAccessException(String message, long offset, long length, Throwable cause) {
        super(message, cause);
        this.offset = offset;
        this.length = length;
    }

    /** {@return the offset of the access, relative to the accessor it was made through} */
    public long offset() {
        return offset;
    }

    /** {@return the length of the access in bytes} */
    public long length() {
        return length;
    }
}
