package dev.iomem.core.vfio;

/**
 * A VFIO operation iomem could not do: the message says what failed and what to change (bind
 * the device to vfio-pci, load a module, bind the rest of its IOMMU group). When it is thrown
 * from an open, nothing is left open, mapped or pinned.
 */
public class VfioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to change
     */
    public VfioException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed and what to change
     * @param cause   the underlying failure, often a {@link dev.iomem.core.linux.ErrnoException}
     */
    public VfioException(String message, Throwable cause) {
        super(message, cause);
    }
}
