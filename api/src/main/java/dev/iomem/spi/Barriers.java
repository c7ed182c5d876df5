package dev.iomem.spi;

/**
 * The ordering instructions an architecture puts around ordered MMIO accesses (rdma-core's
 * {@code util/udma_barrier.h}, the kernel's {@code __io_bw}/{@code __io_ar}).
 */
public interface Barriers {

    /** Orders earlier memory writes before the next device write (arm64 {@code dmb oshst}). */
    void beforeOrderedWrite();

    /** Orders a device read before later memory reads (arm64 {@code dmb oshld}). */
    void afterOrderedRead();

    /** Makes earlier device writes reach the device (x86 LOCKed op / {@code sfence}, arm64 {@code dsb st}). */
    void flushWrites();

    /** {@return barriers that do nothing, for buses that are strongly ordered already} */
    static Barriers none() {
        return NoBarriers.INSTANCE;
    }
}
