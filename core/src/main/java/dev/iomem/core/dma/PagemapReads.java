package dev.iomem.core.dma;

/**
 * How {@link PagemapDmaMapper} reads {@code /proc/self/pagemap}.
 */
public enum PagemapReads {
    /** Large batches: one {@code pread} per {@link PagemapReader#BATCH_PAGES} pages. */
    BATCHED,
    /**
     * One 8-byte {@code pread} per page, the way DPDK ({@code rte_mem_virt2phy}), SPDK's
     * fallback and ixy translate addresses. Slower by design: it exists so that a benchmark can
     * measure both in one run.
     */
    PER_PAGE
}
