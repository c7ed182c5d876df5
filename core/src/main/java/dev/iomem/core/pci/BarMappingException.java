package dev.iomem.core.pci;

/**
 * A BAR (or a file standing in for one) could not be mapped: the file is missing, permission
 * was denied, or the kernel refused the mapping. The message names the device and BAR (or the
 * file) and the reason.
 */
public final class BarMappingException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what could not be mapped, and why
     * @param cause   the underlying failure, or {@code null}
     */
    public BarMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
