package dev.iomem.testkit.reference;

import dev.iomem.testkit.sim.AccessKind;

import java.util.Objects;

/**
 * One device access a kernel copy algorithm issues, as the {@link ReferenceCopyModel} plans it.
 *
 * @param kind   {@link AccessKind#LOAD}, {@link AccessKind#STORE} or {@link AccessKind#STORE_BLOCK}
 * @param offset the device offset
 * @param size   the number of bytes
 */
public record PlannedAccess(AccessKind kind, long offset, int size) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code kind} is {@code null}
     * @throws IllegalArgumentException if {@code kind} is a barrier, or offset or size is out of range
     */
    public PlannedAccess {
        Objects.requireNonNull(kind, "kind");
        if (!kind.isTransaction() || offset < 0 || size < 1) {
            throw new IllegalArgumentException("not a device access: " + kind + " at " + offset + " of " + size);
        }
    }

    /** {@return a description such as {@code "store 4 B at 0x10"}} */
    public String describe() {
        return kind.label() + " " + size + " B at 0x" + Long.toHexString(offset);
    }

    @Override
    public String toString() {
        return describe();
    }
}
