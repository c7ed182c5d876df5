package dev.iomem.api;

/**
 * An access of a width that the rules (or a device quirk narrowing them) forbid. Raised before
 * any device transaction.
 */
public final class WidthNotAllowedException extends IoAccessException {
    /**
     * Creates the exception.
     *
     * @param rules  the rules' description
     * @param offset the offset of the access
     * @param width  the forbidden width
     */
    public WidthNotAllowedException(String rules, long offset, Width width) {
        super(width.bits() + "-bit access at offset 0x" + Long.toHexString(offset) + " is not allowed by " + rules,
                offset, width.bytes());
    }
}
