package com.example.iomem.demo;

/**
 * A DMA access the simulated system refused: its address range does not lie inside one
 * segment of the DMA table, or its direction is not the table's. On a machine with an IOMMU
 * this is an IOMMU fault; without one, the device would have read or scribbled over memory
 * that is not the driver's.
 */
public final class DmaFault extends RuntimeException {

    private final long dmaAddress;
    private final long length;

    /**
     * Creates the fault.
     *
     * @param message    what was refused and why
     * @param dmaAddress the first DMA address of the refused access
     * @param length     its length in bytes
     */
    public DmaFault(String message, long dmaAddress, long length) {
        super(message);
        this.dmaAddress = dmaAddress;
        this.length = length;
    }

    /** {@return the first DMA address of the refused access} */
    public long dmaAddress() {
        return dmaAddress;
    }

    /** {@return the length of the refused access in bytes} */
    public long length() {
        return length;
    }
}
