package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.dma.DmaSegmentConsumer;
import dev.iomem.api.pci.PciAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@link DmaOnlySgTable} stored as one {@code long[]} of (address, length) pairs: 16 bytes a
 * segment, no object a segment. Built only by {@link DmaTableBuilder}, which has checked every
 * invariant; the array never leaves this object.
 */
final class PackedDmaTable implements DmaOnlySgTable {

    private final long[] pairs;
    private final int count;
    private final long total;
    private final DmaAddressSpace space;
    private final boolean targetIsMmio;
    private final PciAddress device;
    private final DmaDirection direction;
    private final DmaConstraints constraints;
    private final Runnable unmapOnce;
    private final Object closeLock = new Object();
    private volatile boolean closed;
    private boolean unmapStarted; // guarded by closeLock

    PackedDmaTable(long[] pairs, int count, long total, DmaAddressSpace space, boolean targetIsMmio,
                   PciAddress device, DmaDirection direction, DmaConstraints constraints, Runnable unmapOnce) {
        this.pairs = pairs;
        this.count = count;
        this.total = total;
        this.space = space;
        this.targetIsMmio = targetIsMmio;
        this.device = device;
        this.direction = direction;
        this.constraints = constraints;
        this.unmapOnce = unmapOnce;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the DMA table is closed: its memory is unmapped");
        }
    }

    private int checkIndex(int index) {
        open();
        return Objects.checkIndex(index, count);
    }

    @Override
    public int segmentCount() {
        open();
        return count;
    }

    @Override
    public long dmaAddress(int index) {
        return pairs[2 * checkIndex(index)];
    }

    @Override
    public long length(int index) {
        return pairs[2 * checkIndex(index) + 1];
    }

    @Override
    public void forEachSegment(DmaSegmentConsumer consumer) {
        Objects.requireNonNull(consumer, "consumer");
        for (int i = 0; i < count; i++) {
            // Checked on every segment: a consumer that closes the table stops getting addresses.
            open();
            consumer.accept(i, pairs[2 * i], pairs[2 * i + 1]);
        }
        open();
    }

    @Override
    public long totalLength() {
        open();
        return total;
    }

    @Override
    public DmaAddressSpace addressSpace() {
        open();
        return space;
    }

    @Override
    public boolean targetIsMmio() {
        open();
        return targetIsMmio;
    }

    @Override
    public Optional<PciAddress> device() {
        open();
        return Optional.ofNullable(device);
    }

    @Override
    public DmaDirection direction() {
        open();
        return direction;
    }

    @Override
    public DmaConstraints constraints() {
        open();
        return constraints;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Unmaps exactly once. Racing callers wait until the first has finished, so the memory is
     * unmapped when any call returns. If unmapping throws, the table is closed all the same and
     * the first caller gets the exception.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (unmapStarted) {
                return;
            }
            unmapStarted = true;
            closed = true;
            unmapOnce.run();
        }
    }

    @Override
    public String toString() {
        if (closed) {
            return "DmaOnlySgTable[closed]";
        }
        return "DmaOnlySgTable[" + space + ", " + count + " segments, " + total + " bytes"
                + (targetIsMmio ? ", MMIO" : "") + (device != null ? ", device " + device : "") + "]";
    }
}
