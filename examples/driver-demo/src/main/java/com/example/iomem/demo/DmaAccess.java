package com.example.iomem.demo;

/**
 * One DMA transfer the simulated device made into or out of host memory, and where the
 * table's segments sent it.
 *
 * @param write        whether the device wrote host memory (otherwise it read it)
 * @param dmaAddress   the DMA address the device used
 * @param length       the number of bytes
 * @param bufferOffset the buffer offset the address reached
 * @param what         what the transfer was for, such as {@code "descriptor 0"}
 */
public record DmaAccess(boolean write, long dmaAddress, long length, long bufferOffset, String what) {

    /** {@return a line such as {@code "DMA read  32 B at 0x1234000 -> buffer+0x0 (descriptor 0)"}} */
    public String describe() {
        return (write ? "DMA write " : "DMA read  ") + length + " B at 0x" + Long.toHexString(dmaAddress)
                + " -> buffer+0x" + Long.toHexString(bufferOffset) + " (" + what + ")";
    }
}
