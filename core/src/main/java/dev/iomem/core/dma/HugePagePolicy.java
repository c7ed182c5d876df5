package dev.iomem.core.dma;

/**
 * Whether {@link DmaBuffers} backs a buffer with 2 MiB hugepages (MAP_HUGETLB).
 */
public enum HugePagePolicy {
    /** Base pages only. */
    NEVER,
    /** 2 MiB hugepages when the pool has enough free ones, base pages otherwise. */
    PREFER,
    /** 2 MiB hugepages or an error that says how to reserve them. */
    REQUIRE
}
