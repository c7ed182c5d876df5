package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import java.lang.foreign.MemorySegment;

/**
 * Locked, populated memory of this process for a device to DMA to or from, allocated by
 * {@link DmaBuffers}. This is the CPU's side of the transfer; the device's side is the
 * {@link dev.iomem.api.dma.DmaOnlySgTable} a {@link dev.iomem.api.dma.DmaMapper} builds from
 * {@link #memory()}.
 *
 * @param memory   the memory, page aligned, released (unmapped) when its arena closes
 * @param pageSize the size of the pages backing it: the base page size, or 2 MiB for hugepages
 */
public record DmaBuffer(MemorySegment memory, long pageSize) {

    /** {@return whether the memory is backed by hugepages} */
    public boolean hugePages() {
        return pageSize > Libc.pageSize();
    }

    /** {@return the number of pages of {@link #pageSize()} that back the memory} */
    public long pages() {
        return (memory.byteSize() + pageSize - 1) / pageSize;
    }
}
