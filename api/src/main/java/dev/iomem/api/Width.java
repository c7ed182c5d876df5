package dev.iomem.api;

/**
 * The width of one device access.
 */
public enum Width {
    /** One byte ({@code readb}/{@code writeb}). */
    BYTE(1),
    /** Two bytes ({@code readw}/{@code writew}). */
    SHORT(2),
    /** Four bytes ({@code readl}/{@code writel}). */
    INT(4),
    /** Eight bytes ({@code readq}/{@code writeq}). */
    LONG(8);

    private static final Width[] BY_LOG2 = {BYTE, SHORT, INT, LONG};

    private final int bytes;

    Width(int bytes) {
        this.bytes = bytes;
    }

    /** {@return the number of bytes of this width: 1, 2, 4 or 8} */
    public int bytes() {
        return bytes;
    }

    /** {@return the number of bits of this width: 8, 16, 32 or 64} */
    public int bits() {
        return bytes * 8;
    }

    /** {@return a mask of the low {@link #bits()} bits} */
    public long mask() {
        return this == LONG ? -1L : (1L << bits()) - 1;
    }

    /**
     * {@return the width of the given number of bytes}
     *
     * @param bytes 1, 2, 4 or 8
     * @throws IllegalArgumentException if {@code bytes} is not 1, 2, 4 or 8
     */
    public static Width ofBytes(int bytes) {
        return switch (bytes) {
            case 1 -> BYTE;
            case 2 -> SHORT;
            case 4 -> INT;
            case 8 -> LONG;
            default -> throw new IllegalArgumentException("width must be 1, 2, 4 or 8 bytes, got " + bytes);
        };
    }

    /**
     * {@return the width of the given number of bits}
     *
     * @param bits 8, 16, 32 or 64
     * @throws IllegalArgumentException if {@code bits} is not 8, 16, 32 or 64
     */
    public static Width ofBits(int bits) {
        return switch (bits) {
            case 8 -> BYTE;
            case 16 -> SHORT;
            case 32 -> INT;
            case 64 -> LONG;
            default -> throw new IllegalArgumentException("width must be 8, 16, 32 or 64 bits, got " + bits);
        };
    }

    /**
     * {@return the widest width of at most {@code bytes} bytes}
     *
     * @param bytes at least 1
     * @throws IllegalArgumentException if {@code bytes < 1}
     */
    public static Width atMost(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("no width fits in " + bytes + " bytes");
        }
        return BY_LOG2[Math.min(3, 63 - Long.numberOfLeadingZeros(bytes))];
    }
}
