package dev.iomem.api;

/**
 * How a BAR window is mapped, which decides the rules an architecture applies to it.
 */
public enum MemoryType {
    /**
     * Uncached, strongly ordered device memory: x86 UC, arm64 Device-nGnRE, s390x zPCI.
     * Sysfs {@code resourceN}, the kernel's {@code ioremap}.
     */
    DEVICE,
    /**
     * Write-combining memory for prefetchable BARs: x86 WC, arm64 Normal-NC. Writes may be
     * buffered and merged until {@link IoAccessor#flushWrites()}. Sysfs {@code resourceN_wc},
     * the kernel's {@code ioremap_wc}.
     */
    WRITE_COMBINING
}
