package com.example.iomem.demo;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One entry of the toy engine's descriptor ring: "copy {@code length} bytes from DMA address
 * {@code source} to DMA address {@code destination}". It lives in DMA memory (ordinary RAM), so
 * the driver writes it with plain memory stores and the device reads it by DMA. Little-endian,
 * {@value #SIZE} bytes:
 * <pre>
 * 0   u64 source DMA address
 * 8   u64 destination DMA address
 * 16  u32 length
 * 20  u32 flags: {@link #OWNED_BY_DEVICE}, {@link #DONE}
 * 24  u64 reserved
 * </pre>
 *
 * @param source      the DMA address the engine reads from
 * @param destination the DMA address the engine writes to
 * @param length      the number of bytes
 * @param flags       {@link #OWNED_BY_DEVICE} when handed to the device, {@link #DONE} when it
 *                    has written the descriptor back
 */
public record Descriptor(long source, long destination, int length, int flags) {

    /** Bytes per descriptor. */
    public static final int SIZE = 32;
    /** Offset of the flags word, which the device writes back. */
    public static final int FLAGS_OFFSET = 20;
    /** Set by the driver: the device may process this descriptor. */
    public static final int OWNED_BY_DEVICE = 1;
    /** Set by the device when the copy is done (and {@link #OWNED_BY_DEVICE} cleared). */
    public static final int DONE = 2;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Writes this descriptor into a ring in RAM: plain memory stores, not device accesses.
     *
     * @param ring  the ring's memory
     * @param index the descriptor's index in the ring
     * @throws IndexOutOfBoundsException if the descriptor does not fit in {@code ring}
     */
    public void writeTo(MemorySegment ring, int index) {
        long at = (long) index * SIZE;
        ring.set(U64, at, source);
        ring.set(U64, at + 8, destination);
        ring.set(U32, at + 16, length);
        ring.set(U32, at + FLAGS_OFFSET, flags);
        ring.set(U64, at + 24, 0L);
    }

    /**
     * {@return the descriptor encoded in {@code bytes}}
     *
     * @param bytes {@value #SIZE} bytes, as read from DMA memory
     * @throws IllegalArgumentException if {@code bytes} is not {@value #SIZE} long
     */
    public static Descriptor decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a descriptor is " + SIZE + " bytes, got " + bytes.length);
        }
        return readFrom(MemorySegment.ofArray(bytes), 0);
    }

    /**
     * {@return the descriptor at {@code index} of a ring in RAM}
     *
     * @param ring  the ring's memory
     * @param index the descriptor's index
     * @throws IndexOutOfBoundsException if the descriptor is not inside {@code ring}
     */
    public static Descriptor readFrom(MemorySegment ring, int index) {
        long at = (long) index * SIZE;
        return new Descriptor(ring.get(U64, at), ring.get(U64, at + 8), ring.get(U32, at + 16), ring.get(U32, at + FLAGS_OFFSET));
    }

    /** {@return the flags word as the device writes it back on completion} */
    public static byte[] doneFlags() {
        return new byte[] {DONE, 0, 0, 0};
    }

    @Override
    public String toString() {
        return "copy " + length + " B from DMA 0x" + Long.toHexString(source) + " to DMA 0x" + Long.toHexString(destination)
                + " (flags 0x" + Integer.toHexString(flags) + ")";
    }
}
