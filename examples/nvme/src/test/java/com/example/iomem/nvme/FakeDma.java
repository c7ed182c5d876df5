package com.example.iomem.nvme;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.dma.DmaSegmentConsumer;
import dev.iomem.api.pci.PciAddress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Host memory for the simulated controller: each region gets a made-up DMA address the simulation resolves. */
final class FakeDma implements DmaSource {
    private final Arena arena = Arena.ofShared();
    private final List<Table> tables = new ArrayList<>();
    private long next = 0x1_0000_0000L;

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        long size = (bytes + 4095) & -4096L;
        MemorySegment m = arena.allocate(size, 4096);
        Table t = new Table(next, size, m);
        next += size + 4096;
        tables.add(t);
        return new DmaRegion(m, t);
    }

    /** {@return the host memory at a DMA address, {@code length} bytes} */
    synchronized MemorySegment resolve(long dma, long length) {
        for (Table t : tables) {
            if (dma >= t.base && dma + length <= t.base + t.size) {
                if (t.closed) {
                    throw new IllegalStateException("DMA to an unmapped table at 0x" + Long.toHexString(dma));
                }
                return t.memory.asSlice(dma - t.base, length);
            }
        }
        throw new IllegalStateException("DMA to 0x" + Long.toHexString(dma) + ": no table");
    }

    synchronized int openTables() {
        return (int) tables.stream().filter(t -> !t.closed).count();
    }

    synchronized int mapped() {
        return tables.size();
    }

    @Override
    public String describe() {
        return "simulated";
    }

    @Override
    public synchronized void close() {
        tables.forEach(Table::close);
    }

    static final class Table implements DmaOnlySgTable {
        final long base;
        final long size;
        final MemorySegment memory;
        boolean closed;

        Table(long base, long size, MemorySegment memory) {
            this.base = base;
            this.size = size;
            this.memory = memory;
        }

        @Override
        public int segmentCount() {
            return 1;
        }

        @Override
        public long dmaAddress(int index) {
            return base;
        }

        @Override
        public long length(int index) {
            return size;
        }

        @Override
        public void forEachSegment(DmaSegmentConsumer consumer) {
            consumer.accept(0, base, size);
        }

        @Override
        public long totalLength() {
            return size;
        }

        @Override
        public DmaAddressSpace addressSpace() {
            return DmaAddressSpace.IOVA;
        }

        @Override
        public boolean targetIsMmio() {
            return false;
        }

        @Override
        public Optional<PciAddress> device() {
            return Optional.empty();
        }

        @Override
        public DmaDirection direction() {
            return DmaDirection.BIDIRECTIONAL;
        }

        @Override
        public DmaConstraints constraints() {
            return DmaConstraints.UNRESTRICTED;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
