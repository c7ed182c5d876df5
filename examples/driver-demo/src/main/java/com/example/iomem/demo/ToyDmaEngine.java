package com.example.iomem.demo;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.RegisterBehavior;
import dev.iomem.testkit.sim.SimulatedBus;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static com.example.iomem.demo.ToyNicRegisters.COMPLETED;
import static com.example.iomem.demo.ToyNicRegisters.DOORBELL;
import static com.example.iomem.demo.ToyNicRegisters.FAULT_HI;
import static com.example.iomem.demo.ToyNicRegisters.FAULT_LO;
import static com.example.iomem.demo.ToyNicRegisters.ID;
import static com.example.iomem.demo.ToyNicRegisters.MAC;
import static com.example.iomem.demo.ToyNicRegisters.RING_BASE_HI;
import static com.example.iomem.demo.ToyNicRegisters.RING_BASE_LO;
import static com.example.iomem.demo.ToyNicRegisters.RING_SIZE;
import static com.example.iomem.demo.ToyNicRegisters.STATUS;
import static com.example.iomem.demo.ToyNicRegisters.STATUS_DONE;
import static com.example.iomem.demo.ToyNicRegisters.STATUS_ERROR;

/**
 * The device model: a toy DMA engine behind BAR 0 ({@link ToyNicRegisters}). Its registers are
 * the testkit's {@link SimulatedBus}, which enforces the backend's rules and traces every
 * transaction; this class is the {@link IoBus} the backend's accessor is built over, passing
 * each transaction to the simulated bus and reacting to them as the silicon would.
 *
 * <p>Writing the ring's tail to {@code DOORBELL} starts the engine. The engine works
 * concurrently with the CPU; here it makes one step, one descriptor, before each later bus
 * transaction the CPU issues, so a polling driver sees the work in progress, and every run is
 * the same. For each descriptor it reads the descriptor by DMA, reads the source by DMA,
 * writes the destination by DMA and writes the descriptor's flags back, all through the
 * {@link HostMemoryPort}: DMA addresses only, checked against the table. When it reaches the
 * tail it sets {@code STATUS_DONE}; on a {@link DmaFault} it stops, sets {@code STATUS_ERROR}
 * and puts the faulting address in {@code FAULT_LO}/{@code FAULT_HI}. The engine's own
 * register updates go around the trace ({@link SimulatedBus#pokeValue}), as the device's
 * internal writes never cross the bus.
 */
public final class ToyDmaEngine implements IoBus {

    private final SimulatedBus registers;
    private final HostMemoryPort host;
    private long ringBase;
    private int ringSize;
    private int head;
    private int tail;
    private boolean running;
    private DmaFault lastFault;

    /**
     * Creates the engine with its BAR 0 registers on simulated device memory.
     *
     * @param rules the rules the simulated hardware enforces (the backend's, for DEVICE memory)
     * @param trace the trace every transaction is recorded in
     * @param host  the DMA path to host memory
     * @throws NullPointerException if an argument is {@code null}
     */
    public ToyDmaEngine(AccessRules rules, AccessTrace trace, HostMemoryPort host) {
        this.host = Objects.requireNonNull(host, "host");
        this.registers = new SimulatedBus(rules, ToyNicRegisters.BAR_SIZE, trace)
                .register(ID, Width.INT, RegisterBehavior.READ_ONLY)
                .register(STATUS, Width.INT, RegisterBehavior.READ_TO_CLEAR)
                .register(DOORBELL, Width.INT, RegisterBehavior.WRITE_ONLY);
        registers.pokeValue(ID, Width.INT, ToyNicRegisters.ID_VALUE);
        registers.poke(MAC, ToyNicRegisters.MAC_VALUE);
    }

    /** {@return the simulated registers, to look at without tracing ({@link SimulatedBus#peekValue})} */
    public SimulatedBus registers() {
        return registers;
    }

    /** {@return the DMA path the engine uses} */
    public HostMemoryPort host() {
        return host;
    }

    /** {@return the last DMA fault the engine stopped on, or null} */
    public DmaFault lastFault() {
        return lastFault;
    }

    @Override
    public long size() {
        return registers.size();
    }

    @Override
    public long load(long offset, Width width) {
        step();
        return registers.load(offset, width);
    }

    @Override
    public void store(long offset, Width width, long value) {
        step();
        registers.store(offset, width, value);
        if (offset <= DOORBELL && offset + width.bytes() > DOORBELL) {
            doorbell((int) registers.peekValue(DOORBELL, Width.INT));
        }
    }

    @Override
    public void close() {
        registers.close();
    }

    private void doorbell(int newTail) {
        ringBase = registers.peekValue(RING_BASE_LO, Width.INT) | registers.peekValue(RING_BASE_HI, Width.INT) << 32;
        ringSize = (int) registers.peekValue(RING_SIZE, Width.INT);
        if (ringSize <= 0 || newTail < 0 || newTail >= ringSize) {
            fail(new DmaFault("doorbell " + newTail + " on a ring of " + ringSize + " descriptors", ringBase, 0));
            return;
        }
        tail = newTail;
        running = head != tail;
    }

    /** One step of the engine: the next descriptor, if there is one. */
    private void step() {
        if (!running) {
            return;
        }
        long at = ringBase + (long) head * Descriptor.SIZE;
        try {
            Descriptor d = Descriptor.decode(host.read(at, Descriptor.SIZE, "descriptor " + head));
            if ((d.flags() & Descriptor.OWNED_BY_DEVICE) == 0) {
                throw new DmaFault("descriptor " + head + " is not owned by the device", at, Descriptor.SIZE);
            }
            byte[] payload = host.read(d.source(), d.length(), "payload of descriptor " + head);
            host.write(d.destination(), payload, "payload of descriptor " + head);
            host.write(at + Descriptor.FLAGS_OFFSET, Descriptor.doneFlags(), "write-back of descriptor " + head);
        } catch (DmaFault f) {
            fail(f);
            return;
        }
        head = (head + 1) % ringSize;
        registers.pokeValue(COMPLETED, Width.INT, registers.peekValue(COMPLETED, Width.INT) + 1);
        if (head == tail) {
            running = false;
            raise(STATUS_DONE);
        }
    }

    private void fail(DmaFault f) {
        running = false;
        lastFault = f;
        registers.pokeValue(FAULT_LO, Width.INT, f.dmaAddress() & 0xFFFF_FFFFL);
        registers.pokeValue(FAULT_HI, Width.INT, f.dmaAddress() >>> 32);
        raise(STATUS_ERROR);
    }

    private void raise(int bits) {
        registers.pokeValue(STATUS, Width.INT, registers.peekValue(STATUS, Width.INT) | bits);
    }

    @Override
    public int blockStoreLimit() {
        return registers.blockStoreLimit();
    }

    @Override
    public void storeBlock(long offset, MemorySegment src) {
        step();
        registers.storeBlock(offset, src);
    }
}
