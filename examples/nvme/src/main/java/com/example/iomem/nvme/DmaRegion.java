package com.example.iomem.nvme;

import dev.iomem.api.dma.DmaOnlySgTable;

import java.lang.foreign.MemorySegment;

/**
 * Host memory the controller reaches by DMA: the CPU's view ({@link #memory()}) and the device's
 * table of DMA addresses ({@link #table()}, IOVAs through VFIO, physical addresses through pagemap).
 * The driver never turns one into the other; it only asks the table where a byte offset lies.
 */
public record DmaRegion(MemorySegment memory, DmaOnlySgTable table) {

    /** {@return the DMA address of byte {@code offset} of the region, found in the table's segments} */
    public long dma(long offset) {
        long at = 0;
        for (int i = 0; i < table.segmentCount(); i++) {
            long len = table.length(i);
            if (offset < at + len) {
                return table.dmaAddress(i) + (offset - at);
            }
            at += len;
        }
        throw new IndexOutOfBoundsException("offset " + offset + " beyond the table's " + at + " bytes");
    }
}
