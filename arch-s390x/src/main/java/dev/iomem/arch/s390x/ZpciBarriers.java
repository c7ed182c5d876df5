package dev.iomem.arch.s390x;

import dev.iomem.spi.Barriers;

import java.lang.invoke.VarHandle;

/**
 * The s390x barriers over the system-call bus: compiler ordering only, as rdma-core's
 * {@code udma_barrier.h} does for s390x, and a flush that does nothing.
 *
 * <p>Ordering: the kernel's own {@code readl}/{@code writel} on s390 order with compiler barriers
 * only ({@code asm-generic/io.h}: {@code __io_ar} = {@code rmb()}, {@code __io_bw} =
 * {@code wmb()}, both {@code barrier()} in {@code arch/s390/include/asm/barrier.h}). The same
 * here: the release and acquire fences keep the JIT from moving ordinary loads and stores across
 * the system call (on s390x HotSpot they emit no instruction).
 *
 * <p>Flush: {@code pciwb} is the PCI write barrier for stores that user space issues itself with
 * the MIO instructions (rdma-core's {@code s390_pciwb()}); this bus issues none. Each
 * {@code s390_pci_mmio_write} returns only after the kernel has issued its PCI store and checked
 * the condition code ({@code zpci_memcpy_toio} / {@code __memcpy_toio_inuser} in
 * {@code arch/s390/pci/pci_mmio.c}), and reports a failure as its result, so there is nothing
 * left for user space to flush. Not verified on s390x hardware.
 */
enum ZpciBarriers implements Barriers {
    /** The only instance. */
    INSTANCE;

    @Override
    public void beforeWrite() {
        VarHandle.releaseFence();
    }

    @Override
    public void afterRead(long value) {
        VarHandle.acquireFence();
    }

    @Override
    public void flushWrites() {
        // Nothing to flush: see the class comment (each system call completes its PCI store).
    }

    @Override
    public String toString() {
        return "s390x barriers: compiler ordering; flush is a no-op over the system calls";
    }
}
