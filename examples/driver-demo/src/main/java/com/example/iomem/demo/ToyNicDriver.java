package com.example.iomem.demo;

import dev.iomem.api.IoAccessor;
import dev.iomem.core.regs.Register;
import dev.iomem.core.regs.RegisterBlock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static com.example.iomem.demo.ToyNicRegisters.STATUS_DONE;
import static com.example.iomem.demo.ToyNicRegisters.STATUS_ERROR;

/**
 * The driver of the toy DMA engine, written as a user-space driver of a real device would be:
 * its only views of the device are an {@link IoAccessor} over BAR 0 and a DMA buffer whose
 * device addresses come from a DMA-only table ({@link DmaSegmentIndex}).
 *
 * <ul>
 *   <li>Descriptors go into the ring in DMA memory with plain memory stores: it is RAM.</li>
 *   <li>The ring's address and size go to the device with relaxed writes
 *       ({@code writel_relaxed}): nothing needs to be ordered before them.</li>
 *   <li>The doorbell is an ordered write ({@code writel}): the backend's barrier before it makes
 *       the descriptor stores visible to the device before the device hears the doorbell
 *       (the kernel's Documentation/memory-barriers.txt, "Kernel I/O barrier effects":
 *       {@code writeX()} is ordered after the CPU's earlier writes to memory).</li>
 *   <li>{@code STATUS} is polled with ordered reads ({@code readl}): the barrier after each read
 *       keeps the driver from reading the payload before it has seen {@code DONE}.</li>
 * </ul>
 */
public final class ToyNicDriver {

    /** Descriptors in the ring. */
    public static final int RING_ENTRIES = 8;
    /** Where the ring starts in the DMA buffer. */
    public static final long RING_OFFSET = 0;

    private final IoAccessor bar;
    // The layout's handles, bound once (ToyNicRegisters.LAYOUT): width and access kind travel with them.
    private final Register id;
    private final Register status;
    private final Register completed;
    private final Register doorbell;
    private final Register ringBaseLo;
    private final Register ringBaseHi;
    private final Register ringSize;
    private final Register faultLo;
    private final Register faultHi;
    private final MemorySegment ring;
    private final DmaSegmentIndex dma;
    private int tail;

    /**
     * Creates the driver.
     *
     * @param bar       BAR 0 of the device
     * @param dmaMemory the DMA buffer, the CPU's side of the mapping
     * @param dma       the DMA addresses of the buffer, the device's side
     * @throws NullPointerException      if an argument is {@code null}
     * @throws IndexOutOfBoundsException if the ring does not fit in the buffer
     */
    public ToyNicDriver(IoAccessor bar, MemorySegment dmaMemory, DmaSegmentIndex dma) {
        this.bar = Objects.requireNonNull(bar, "bar");
        RegisterBlock regs = RegisterBlock.bind(ToyNicRegisters.LAYOUT, bar);
        this.id = regs.register("ID");
        this.status = regs.register("STATUS");
        this.completed = regs.register("COMPLETED");
        this.doorbell = regs.register("DOORBELL");
        this.ringBaseLo = regs.register("RING_BASE_LO");
        this.ringBaseHi = regs.register("RING_BASE_HI");
        this.ringSize = regs.register("RING_SIZE");
        this.faultLo = regs.register("FAULT_LO");
        this.faultHi = regs.register("FAULT_HI");
        this.dma = Objects.requireNonNull(dma, "dma");
        this.ring = Objects.requireNonNull(dmaMemory, "dmaMemory").asSlice(RING_OFFSET, (long) RING_ENTRIES * Descriptor.SIZE);
    }

    /**
     * Checks that the device is the toy engine.
     *
     * @return the ID register
     * @throws IllegalStateException if the ID is not {@link ToyNicRegisters#ID_VALUE}
     */
    public int probe() {
        int value = (int) id.read();
        if (value != ToyNicRegisters.ID_VALUE) {
            throw new IllegalStateException("not the toy DMA engine: ID reads 0x" + Integer.toHexString(value));
        }
        return value;
    }

    /**
     * Reads the station address with {@link IoAccessor#copyFromIo} ({@code memcpy_fromio}): the
     * backend decides the access widths from the device-side alignment.
     *
     * @return the six bytes
     */
    public byte[] readMac() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mac = arena.allocate(ToyNicRegisters.MAC_LENGTH);
            bar.copyFromIo(ToyNicRegisters.MAC, mac);
            return mac.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /**
     * Tells the device where the ring is.
     *
     * @throws IllegalStateException if the ring is not contiguous in DMA address space
     */
    public void start() {
        DmaRun r = dma.runAt(RING_OFFSET);
        if (r.contiguousBytes() < ring.byteSize()) {
            throw new IllegalStateException("the descriptor ring is not contiguous for the device");
        }
        ringBaseLo.writeRelaxed(r.dmaAddress() & 0xffff_ffffL);
        ringBaseHi.writeRelaxed(r.dmaAddress() >>> 32);
        ringSize.writeRelaxed(RING_ENTRIES);
    }

    /**
     * Asks the device to copy {@code length} bytes of the buffer from {@code sourceOffset} to
     * {@code destinationOffset}: one descriptor per run that is contiguous for the device on
     * both sides (scatter-gather), then one ordered doorbell write.
     *
     * @param sourceOffset      buffer offset of the source
     * @param destinationOffset buffer offset of the destination
     * @param length            the number of bytes, positive
     * @return the descriptors, in ring order
     * @throws IllegalArgumentException  if {@code length} is not positive
     * @throws IndexOutOfBoundsException if a range is not inside the mapped buffer
     * @throws IllegalStateException     if the transfer needs more descriptors than the ring has free
     */
    public List<Descriptor> submitCopy(long sourceOffset, long destinationOffset, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("nothing to copy: length " + length);
        }
        List<Descriptor> descriptors = new ArrayList<>();
        long done = 0;
        while (done < length) {
            DmaRun src = dma.runAt(sourceOffset + done);
            DmaRun dst = dma.runAt(destinationOffset + done);
            long n = Math.min(length - done, Math.min(src.contiguousBytes(), dst.contiguousBytes()));
            descriptors.add(new Descriptor(src.dmaAddress(), dst.dmaAddress(), (int) n, Descriptor.OWNED_BY_DEVICE));
            done += n;
        }
        submit(descriptors);
        return descriptors;
    }

    /**
     * Puts descriptors into the ring as they are and rings the doorbell.
     *
     * @param descriptors the descriptors, at least one
     * @throws IllegalArgumentException if {@code descriptors} is empty
     * @throws IllegalStateException    if they do not fit in the ring's free entries
     */
    public void submit(List<Descriptor> descriptors) {
        if (descriptors.isEmpty()) {
            throw new IllegalArgumentException("no descriptors to submit");
        }
        if (descriptors.size() > RING_ENTRIES - 1) {
            throw new IllegalStateException(descriptors.size() + " descriptors do not fit in a ring of " + RING_ENTRIES);
        }
        for (Descriptor d : descriptors) {
            d.writeTo(ring, tail);                 // plain stores into RAM
            tail = (tail + 1) % RING_ENTRIES;
        }
        doorbell.write(tail);                      // writel: barrier, then the store
    }

    /**
     * Polls {@code STATUS} with ordered reads until the engine reports done or an error.
     *
     * @param maxPolls the most reads to make
     * @return what was seen
     * @throws IllegalArgumentException if {@code maxPolls} is not positive
     */
    public Completion waitForCompletion(int maxPolls) {
        if (maxPolls <= 0) {
            throw new IllegalArgumentException("maxPolls must be positive, got " + maxPolls);
        }
        int seen = 0;
        int polls = 0;
        while (polls < maxPolls && (seen & (STATUS_DONE | STATUS_ERROR)) == 0) {
            seen = (int) status.read();            // readl: the read, then a barrier
            polls++;
        }
        long fault = 0;
        if ((seen & STATUS_ERROR) != 0) {
            fault = faultLo.read() | faultHi.read() << 32;
        }
        return new Completion(seen, polls, (int) completed.read(), fault);
    }

    /** {@return the descriptors in the ring now, as the device left them} */
    public List<Descriptor> ring() {
        List<Descriptor> out = new ArrayList<>();
        for (int i = 0; i < RING_ENTRIES; i++) {
            out.add(Descriptor.readFrom(ring, i));
        }
        return out;
    }
}
