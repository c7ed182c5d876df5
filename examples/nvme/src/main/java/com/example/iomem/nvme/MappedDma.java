package com.example.iomem.nvme;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.DmaBuffer;
import dev.iomem.core.dma.DmaBuffers;
import dev.iomem.core.dma.HugePagePolicy;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * DMA memory from iomem's mappers: pinned pages from {@link DmaBuffers}, mapped for the
 * controller by a {@link DmaMapper} (VFIO: IOVAs in the IOMMU's ranges; pagemap: physical addresses).
 */
public final class MappedDma implements DmaSource {
    private final DmaMapper mapper;
    private final PciAddress device;
    private final Arena arena;
    private final String label;
    private final List<DmaOnlySgTable> tables = new ArrayList<>();

    public MappedDma(DmaMapper mapper, PciAddress device, Arena arena, String label) {
        this.mapper = mapper;
        this.device = device;
        this.arena = arena;
        this.label = label;
    }

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        long size = (bytes + NvmeController.PAGE - 1) & -NvmeController.PAGE;
        DmaBuffer b = DmaBuffers.allocate(arena, size, HugePagePolicy.NEVER);
        DmaOnlySgTable t = mapper.mapUser(device, b.memory(), DmaDirection.BIDIRECTIONAL, DmaConstraints.UNRESTRICTED);
        tables.add(t);
        return new DmaRegion(b.memory(), t);
    }

    @Override
    public String describe() {
        return label;
    }

    /** {@return the tables still mapped} */
    public synchronized int openTables() {
        return (int) tables.stream().filter(t -> !t.isClosed()).count();
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (int i = tables.size() - 1; i >= 0; i--) {
            try {
                tables.get(i).close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** {@return how many tables this source mapped} */
    public synchronized int mappedTables() {
        return tables.size();
    }
}
