package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;

/**
 * Calls the scalar method of an {@link IoAccessor} for a width and an ordering, so that a check
 * can loop over all sixteen of them.
 */
final class ScalarAccess {

    private ScalarAccess() {
    }

    /** {@return the name of the width-generic method, such as {@code "write(off, INT)"}} */
    static String genericName(Width w, boolean write) {
        return (write ? "write" : "read") + "(offset, " + w + ")";
    }

    /** Reads through {@link IoAccessor#read(long, Width)} and returns the zero-extended device value. */
    static long readGeneric(IoAccessor a, Width w, long offset) {
        return a.read(offset, w) & w.mask();
    }

    /** Writes through {@link IoAccessor#write(long, Width, long)}. */
    static void writeGeneric(IoAccessor a, Width w, long offset, long value) {
        a.write(offset, w, value);
    }

    /** {@return the method's name, such as {@code "write32Relaxed"}} */
    static String name(Width w, boolean ordered, boolean write) {
        return (write ? "write" : "read") + w.bits() + (ordered ? "" : "Relaxed");
    }

    /** Reads and returns the zero-extended device value. */
    static long read(IoAccessor a, Width w, boolean ordered, long offset) {
        return switch (w) {
            case BYTE -> (ordered ? a.read8(offset) : a.read8Relaxed(offset)) & 0xFFL;
            case SHORT -> (ordered ? a.read16(offset) : a.read16Relaxed(offset)) & 0xFFFFL;
            case INT -> (ordered ? a.read32(offset) : a.read32Relaxed(offset)) & 0xFFFF_FFFFL;
            case LONG -> ordered ? a.read64(offset) : a.read64Relaxed(offset);
        };
    }

    /** Writes the low bits of {@code value}. */
    static void write(IoAccessor a, Width w, boolean ordered, long offset, long value) {
        switch (w) {
            case BYTE -> {
                if (ordered) {
                    a.write8(offset, (byte) value);
                } else {
                    a.write8Relaxed(offset, (byte) value);
                }
            }
            case SHORT -> {
                if (ordered) {
                    a.write16(offset, (short) value);
                } else {
                    a.write16Relaxed(offset, (short) value);
                }
            }
            case INT -> {
                if (ordered) {
                    a.write32(offset, (int) value);
                } else {
                    a.write32Relaxed(offset, (int) value);
                }
            }
            case LONG -> {
                if (ordered) {
                    a.write64(offset, value);
                } else {
                    a.write64Relaxed(offset, value);
                }
            }
        }
    }

    /** {@return a value of width {@code w} whose bytes all differ, varied by {@code salt}} */
    static long pattern(Width w, long salt) {
        long v = 0x8877_6655_4433_2211L ^ ((salt & 0x7F) * 0x0101_0101_0101_0101L);
        return v & w.mask();
    }

    /** {@return the little-endian bytes of a value} */
    static byte[] littleEndian(long value, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        return b;
    }

    /** {@return {@code value} with its low {@code size} bytes in reverse order} */
    static long reversed(long value, int size) {
        long r = 0;
        for (int i = 0; i < size; i++) {
            r = (r << 8) | ((value >>> (8 * i)) & 0xFF);
        }
        return r;
    }

    /** {@return bytes as hex, such as {@code "44 33 22 11"}} */
    static String hex(byte[] b) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
