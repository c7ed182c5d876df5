package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.BoundaryCrossingException;
import dev.iomem.api.MisalignedAccessException;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.ReadOnlyWindowException;
import dev.iomem.api.Width;
import dev.iomem.api.WidthNotAllowedException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The validation of one accessor window {@code [base, base + size)} of a bus: every rule is
 * checked here before the bus sees anything, and a broken one becomes the exception the
 * {@link dev.iomem.api.IoAccessor} contract names for it. The scalar test is one sign test, so
 * the slow path of a scalar costs one branch for all of its rules.
 */
final class AccessChecks {

    private final AccessRules rules;
    private final long base;
    private final long size;
    private final boolean readOnly;
    /** Bit {@code 1 << width.ordinal()} set for each allowed width: no Set lookup per access. */
    private final int allowedWidths;
    /** All ones if natural alignment is required, else 0. */
    private final long alignMask;
    /** {@code -boundary}, or 0 if there is no boundary: an access crosses iff its ends differ under it. */
    private final long crossMask;

    AccessChecks(AccessRules rules, long base, long size, boolean readOnly) {
        this.rules = rules;
        this.base = base;
        this.size = size;
        this.readOnly = readOnly;
        int mask = 0;
        for (Width w : rules.scalarWidths()) {
            mask |= 1 << w.ordinal();
        }
        this.allowedWidths = mask;
        this.alignMask = rules.naturalAlignment() ? -1L : 0L;
        this.crossMask = rules.boundary() == 0 ? 0L : -rules.boundary();
    }

    /**
     * Checks a scalar access and returns its bus offset.
     *
     * @throws dev.iomem.api.IoAccessException the first rule the access breaks
     */
    long scalar(long offset, Width w, String what, boolean closed) {
        int n = w.bytes();
        int widthBit = 1 << w.ordinal();
        long at = base + offset;
        // One sign test for every rule: each term is negative exactly when its rule is broken
        // (out of range; width denied; misaligned, as -(low bits); boundary crossed). The range
        // takes three terms: (size - n) - offset overflows to a positive value when the window is
        // smaller than the access and the offset huge, so a window smaller than the access is a
        // term of its own, and the subtraction is only trusted when both sides are non-negative.
        long room = size - n;
        long bad = offset | room | (room - offset)
                | ((long) (allowedWidths & widthBit) - 1)
                | -(at & alignMask & (n - 1))
                | -((at ^ (at + n - 1)) & crossMask);
        if (bad < 0 || closed) {
            throw refusal(offset, w, what, closed);
        }
        return at;
    }

    /** {@return the exception for the first rule a scalar access breaks, in the contract's order} */
    RuntimeException refusal(long offset, Width w, String what, boolean closed) {
        int n = w.bytes();
        if (closed) {
            return new AccessorClosedException(what, offset, n);
        }
        if (offset < 0 || offset > size - n) {
            return new OutOfBoundsAccessException(what, offset, n, size);
        }
        if (!rules.allows(w)) {
            return new WidthNotAllowedException(rules.name() + " " + rules.memoryType()
                    + (rules.quirks().isEmpty() ? "" : " (quirks: " + rules.quirks() + ")"), offset, w);
        }
        long at = base + offset;
        if (rules.naturalAlignment() && (at & (n - 1)) != 0) {
            return new MisalignedAccessException(rules.name(), offset, w);
        }
        return new BoundaryCrossingException(rules.name() + " " + rules.memoryType(), rules.boundary(), offset, w);
    }

    /**
     * Checks a range (a copy, fill or slice) and returns its bus offset.
     *
     * @throws AccessorClosedException    if {@code closed}
     * @throws OutOfBoundsAccessException if the range is not inside the window
     */
    long range(long offset, long length, String what, boolean closed) {
        if (closed) {
            throw new AccessorClosedException(what, offset, length);
        }
        if (length < 0 || offset < 0 || offset > size - length) {
            throw new OutOfBoundsAccessException(what, offset, length, size);
        }
        return base + offset;
    }

    /** @throws ReadOnlyWindowException if the window is mapped read-only */
    void writable(String what, long offset, long length) {
        if (readOnly) {
            throw new ReadOnlyWindowException(what, offset, length);
        }
    }

    /**
     * Touches the RAM side of a copy once before any bus traffic, so that a segment whose arena
     * is closed ({@link IllegalStateException}) or that is confined to another thread
     * ({@link WrongThreadException}) fails before a device access rather than after one (a read
     * of a read-to-clear register would otherwise be lost).
     */
    static void usable(MemorySegment ram, long len) {
        if (len > 0) {
            ram.get(ValueLayout.JAVA_BYTE, 0);
        }
    }
}
