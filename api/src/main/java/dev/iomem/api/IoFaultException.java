package dev.iomem.api;

import java.util.OptionalInt;

/**
 * A device access that the device, the kernel or the simulator failed: for example an s390x
 * {@code s390_pci_mmio_read} that returned {@code EIO}, or a simulated access that real
 * hardware would answer with SIGBUS. Unlike the other {@link IoAccessException}s, this one can
 * come after earlier transactions of the same operation reached the device.
 */
public final class IoFaultException extends IoAccessException {

    /** The errno value. */
    private final int errno;

    /**
     * Creates a fault reported by the kernel with an errno.
     *
     * @param message what failed, including the errno's name
     * @param offset  the offset of the access
     * @param length  its length in bytes
     * @param errno   the errno value
     */
    public IoFaultException(String message, long offset, long length, int errno) {
        super(message, offset, length);
        this.errno = errno;
    }

    /**
     * Creates a fault without an errno.
     *
     * @param message what failed
     * @param offset  the offset of the access
     * @param length  its length in bytes
     */
    public IoFaultException(String message, long offset, long length) {
        super(message, offset, length);
        this.errno = 0;
    }

    /** {@return the errno the kernel reported, if any} */
    public OptionalInt errno() {
        return errno == 0 ? OptionalInt.empty() : OptionalInt.of(errno);
    }
}
