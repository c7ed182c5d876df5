package dev.iomem.core.access;

import java.lang.foreign.MemorySegment;

/**
 * Machine-code routines that each issue exactly one load or one store of 2, 4 or 8 bytes at
 * {@code io.address() + offset}, at any alignment: what a {@link MappedBus} uses for scalars at
 * an unaligned offset, on an architecture whose rules allow them (x86-64).
 *
 * <p>Why native: FFM refuses opaque accesses at a misaligned address, and a plain unaligned
 * VarHandle access ends in {@code Unsafe.putIntUnaligned}/{@code getIntUnaligned}, which, unless
 * C2 intrinsifies it, splits the access into byte or short parts in Java code
 * ({@code jdk/internal/misc/Unsafe.java}: {@code putIntParts}, {@code makeInt}). The interpreter
 * and C1 would then issue two or four device accesses for one register; a routine is the same
 * single instruction at every tier.
 *
 * <p>Callers have validated everything (bounds, alignment being allowed, a writable window);
 * the routines check nothing themselves. What they keep from FFM: the segment is passed as a
 * segment, so a downcall keeps a shared arena alive during the call and throws
 * {@link IllegalStateException} (arena closed) or {@link WrongThreadException} (confined to
 * another thread) before the call, when nothing has touched the device.
 */
public interface NativeScalarRoutines {

    /**
     * {@return the 2 bytes at {@code io + offset}, read by one load, as a little-endian value}
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     */
    short load16(MemorySegment io, long offset);

    /**
     * {@return the 4 bytes at {@code io + offset}, read by one load, as a little-endian value}
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     */
    int load32(MemorySegment io, long offset);

    /**
     * {@return the 8 bytes at {@code io + offset}, read by one load, as a little-endian value}
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     */
    long load64(MemorySegment io, long offset);

    /**
     * Writes {@code value} little-endian to the 2 bytes at {@code io + offset} with one store.
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     * @param value  the value
     */
    void store16(MemorySegment io, long offset, short value);

    /**
     * Writes {@code value} little-endian to the 4 bytes at {@code io + offset} with one store.
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     * @param value  the value
     */
    void store32(MemorySegment io, long offset, int value);

    /**
     * Writes {@code value} little-endian to the 8 bytes at {@code io + offset} with one store.
     *
     * @param io     the mapped window
     * @param offset the offset of the first byte in it
     * @param value  the value
     */
    void store64(MemorySegment io, long offset, long value);
}
