package dev.iomem.api;

/**
 * A write (scalar, copy or fill) through a window mapped read-only, as {@code iomem peek} maps
 * one. Raised before any barrier or device transaction.
 */
public final class ReadOnlyWindowException extends IoAccessException {

    /**
     * Creates the exception.
     *
     * @param what   the operation, for example {@code "write32"}
     * @param offset the offset of the write
     * @param length its length in bytes
     */
    public ReadOnlyWindowException(String what, long offset, long length) {
        super(what + " refused: the window is mapped read-only", offset, length);
    }
}
