package dev.iomem.api;

/**
 * A scalar access that would cross a boundary its rules forbid accesses to cross: for example a
 * 4 KiB page on s390x, where the kernel's zPCI system calls refuse such an access with
 * {@code EINVAL} ({@code arch/s390/pci/pci_mmio.c}). Raised before any device transaction.
 */
public final class BoundaryCrossingException extends IoAccessException {

    /** The boundary in bytes. */
    private final long boundary;

    /**
     * Creates the exception.
     *
     * @param rules    the name of the rules that forbid the crossing
     * @param boundary the boundary in bytes, a power of two
     * @param offset   the offset of the access
     * @param width    the width of the access
     */
    public BoundaryCrossingException(String rules, long boundary, long offset, Width width) {
        super(width.bits() + "-bit access at offset 0x" + Long.toHexString(offset) + " crosses a " + boundary
                + "-byte boundary, which " + rules + " forbids", offset, width.bytes());
        this.boundary = boundary;
    }

    /** {@return the boundary in bytes} */
    public long boundary() {
        return boundary;
    }
}
