package dev.iomem.core.access;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;

/**
 * Calls the fixed-width scalar method of {@link IoAccessor} that a width, a direction and an
 * ordering name ({@code write32Relaxed}, {@code read8}, ...), so a test can sweep all sixteen.
 */
public final class FixedWidthCalls {

    private FixedWidthCalls() {
    }

    /**
     * Makes one call.
     *
     * @param io      the accessor
     * @param w       the width
     * @param write   a write (else a read)
     * @param ordered the ordered method (else the relaxed one)
     * @param offset  the offset
     * @param value   the value to write, truncated to the width
     * @return the value read, zero-extended, or 0 for a write
     */
    public static long call(IoAccessor io, Width w, boolean write, boolean ordered, long offset, long value) {
        if (write) {
            switch (w) {
                case BYTE -> { if (ordered) io.write8(offset, (byte) value); else io.write8Relaxed(offset, (byte) value); }
                case SHORT -> { if (ordered) io.write16(offset, (short) value); else io.write16Relaxed(offset, (short) value); }
                case INT -> { if (ordered) io.write32(offset, (int) value); else io.write32Relaxed(offset, (int) value); }
                case LONG -> { if (ordered) io.write64(offset, value); else io.write64Relaxed(offset, value); }
            }
            return 0;
        }
        return switch (w) {
            case BYTE -> (ordered ? io.read8(offset) : io.read8Relaxed(offset)) & 0xffL;
            case SHORT -> (ordered ? io.read16(offset) : io.read16Relaxed(offset)) & 0xffffL;
            case INT -> (ordered ? io.read32(offset) : io.read32Relaxed(offset)) & 0xffff_ffffL;
            case LONG -> ordered ? io.read64(offset) : io.read64Relaxed(offset);
        };
    }
}
