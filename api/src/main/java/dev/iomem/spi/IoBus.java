package dev.iomem.spi;

import dev.iomem.api.Width;

import java.lang.foreign.MemorySegment;

/**
 * The device-transaction layer: each call is exactly one device transaction, already validated
 * by the accessor above it. A bus does no splitting, no merging and no bounds policy of its own
 * beyond refusing what would crash the JVM.
 *
 * <p>Values are device values in the low bits of a {@code long}: the little-endian value seen on
 * the PCI bus, whatever the CPU's byte order.
 */
public interface IoBus extends AutoCloseable {

    /** {@return the size of the device window in bytes} */
    long size();

    /**
     * Performs exactly one device read.
     *
     * @param offset the device offset
     * @param width  the width of the read
     * @return the device value, zero-extended
     * @throws dev.iomem.api.IoFaultException if the device or kernel failed the read
     */
    long load(long offset, Width width);

    /**
     * Performs exactly one device write of the low {@code width.bits()} bits of {@code value}.
     *
     * @param offset the device offset
     * @param width  the width of the write
     * @param value  the device value
     * @throws dev.iomem.api.IoFaultException if the device or kernel failed the write
     */
    void store(long offset, Width width, long value);

    /** {@return the longest block store this bus can issue, in bytes; 0 if it has none} */
    default int blockStoreLimit() {
        return 0;
    }

    /**
     * Performs exactly one block store of all of {@code src} (s390x PCI STORE BLOCK, or one
     * {@code s390_pci_mmio_write} system call).
     *
     * @param offset the device offset
     * @param src    the bytes, in device order
     * @throws UnsupportedOperationException  if this bus has no block store
     * @throws dev.iomem.api.IoFaultException if the device or kernel failed the store
     */
    default void storeBlock(long offset, MemorySegment src) {
        throw new UnsupportedOperationException("this bus has no block store");
    }

    /**
     * {@return whether the window is mapped read-only, so that the bus refuses every store}
     * The accessor then refuses writes itself, before any barrier or bus call. A bus that cannot
     * tell returns {@code false} (the default) and refuses stores when they come.
     */
    default boolean isReadOnly() {
        return false;
    }

    /** Releases the bus's resources. Idempotent. */
    @Override
    void close();
}
