package com.example.iomem.demo;

import dev.iomem.api.dma.DmaDirection;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The simulated system's DMA path: what a device reaches when it puts a DMA address on the bus.
 * A DMA address reaches the byte of the buffer that the table's segments say
 * ({@link DmaSegmentIndex#bufferOffsetOf}), and nothing else; any other address is a
 * {@link DmaFault}, as an IOMMU would raise. It plays the part of the IOMMU (or, without one,
 * of physical memory): the device model never sees a CPU pointer.
 *
 * <p>Every transfer is logged ({@link #log()}).
 */
public final class HostMemoryPort {

    private final MemorySegment hostMemory;
    private final DmaSegmentIndex index;
    private final DmaDirection direction;
    private final List<DmaAccess> log = new ArrayList<>();

    /**
     * Creates the DMA path to a buffer.
     *
     * @param hostMemory the buffer's bytes, as the memory system holds them
     * @param index      the table's segments
     * @param direction  the direction the table was mapped for
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the table maps more bytes than the buffer has
     */
    public HostMemoryPort(MemorySegment hostMemory, DmaSegmentIndex index, DmaDirection direction) {
        this.hostMemory = Objects.requireNonNull(hostMemory, "hostMemory");
        this.index = Objects.requireNonNull(index, "index");
        this.direction = Objects.requireNonNull(direction, "direction");
        if (index.totalLength() > hostMemory.byteSize()) {
            throw new IllegalArgumentException("the table maps " + index.totalLength() + " bytes of a "
                    + hostMemory.byteSize() + "-byte buffer");
        }
    }

    /**
     * A device reads host memory.
     *
     * @param dmaAddress the DMA address
     * @param length     the number of bytes, positive
     * @param what       what for, for the log
     * @return the bytes
     * @throws DmaFault if the range is not inside one segment, or the table does not let the
     *                  device read
     */
    public byte[] read(long dmaAddress, int length, String what) {
        if (!direction.deviceReads()) {
            throw new DmaFault("device read at 0x" + Long.toHexString(dmaAddress) + " of a " + direction + " mapping",
                    dmaAddress, length);
        }
        long at = index.bufferOffsetOf(dmaAddress, length);
        log.add(new DmaAccess(false, dmaAddress, length, at, what));
        return hostMemory.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * A device writes host memory.
     *
     * @param dmaAddress the DMA address
     * @param bytes      the bytes, at least one
     * @param what       what for, for the log
     * @throws DmaFault if the range is not inside one segment, or the table does not let the
     *                  device write
     */
    public void write(long dmaAddress, byte[] bytes, String what) {
        if (!direction.deviceWrites()) {
            throw new DmaFault("device write at 0x" + Long.toHexString(dmaAddress) + " of a " + direction + " mapping",
                    dmaAddress, bytes.length);
        }
        long at = index.bufferOffsetOf(dmaAddress, bytes.length);
        log.add(new DmaAccess(true, dmaAddress, bytes.length, at, what));
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, hostMemory, at, bytes.length);
    }

    /** {@return every transfer so far, oldest first} */
    public List<DmaAccess> log() {
        return List.copyOf(log);
    }
}
