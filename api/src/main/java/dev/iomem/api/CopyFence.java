package dev.iomem.api;

/**
 * A barrier a {@link CopyAlgorithm} puts into every copy or fill of at least one byte; the
 * instruction is the backend's ({@link dev.iomem.spi.Barriers}).
 */
public enum CopyFence {
    /**
     * {@link dev.iomem.spi.Barriers#beforeCopy()} before the first access and
     * {@link dev.iomem.spi.Barriers#afterCopy()} after the last (powerpc: {@code sync} at both
     * ends of {@code _memcpy_toio}, {@code _memcpy_fromio} and {@code _memset_io}).
     */
    AROUND,
    /**
     * {@link dev.iomem.spi.Barriers#afterCopyLoad()} after each load of {@code copyFromIo}
     * (powerpc: {@code eieio} after each load of {@code _memcpy_fromio}).
     */
    AFTER_EACH_LOAD
}
