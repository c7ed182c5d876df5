package dev.iomem.api.dma;

/**
 * The direction of the DMA, from the device's point of view.
 */
public enum DmaDirection {
    /** The device reads the memory (VFIO_DMA_MAP_FLAG_READ). */
    TO_DEVICE,
    /** The device writes the memory (VFIO_DMA_MAP_FLAG_WRITE). */
    FROM_DEVICE,
    /** The device reads and writes the memory. */
    BIDIRECTIONAL;

    /** {@return whether the device may read the memory} */
    public boolean deviceReads() {
        return this != FROM_DEVICE;
    }

    /** {@return whether the device may write the memory} */
    public boolean deviceWrites() {
        return this != TO_DEVICE;
    }
}
