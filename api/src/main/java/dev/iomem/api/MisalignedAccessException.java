package dev.iomem.api;

/**
 * An access whose device offset is not a multiple of its width, on memory whose rules demand
 * natural alignment (arm64 Device memory raises an alignment fault, a SIGBUS, for it).
 * Raised before any device transaction.
 */
public final class MisalignedAccessException extends IoAccessException {
    /**
     * Creates the exception.
     *
     * @param rules  the name of the rules that demand alignment
     * @param offset the offset of the access
     * @param width  the width of the access
     */
    public MisalignedAccessException(String rules, long offset, Width width) {
        super("misaligned " + width.bits() + "-bit access at offset 0x" + Long.toHexString(offset)
                + ": " + rules + " requires natural alignment (offset a multiple of " + width.bytes() + ")",
                offset, width.bytes());
    }
}
