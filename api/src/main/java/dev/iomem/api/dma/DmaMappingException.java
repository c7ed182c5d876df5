package dev.iomem.api.dma;

/**
 * A DMA mapping that could not be made. When it is thrown nothing is left pinned, locked or
 * mapped. The message says what failed and, where something can be changed (privilege,
 * {@code RLIMIT_MEMLOCK}, hugepages, the DMA mask), what to change.
 */
public class DmaMappingException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what failed and what to change
     */
    public DmaMappingException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed and what to change
     * @param cause   the underlying failure
     */
    public DmaMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
