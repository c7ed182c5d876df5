package dev.iomem.arch.x86;

import dev.iomem.spi.Barriers;

import java.lang.invoke.VarHandle;

/**
 * x86-64 MMIO ordering (rdma-core {@code util/udma_barrier.h}, the kernel's x86
 * {@code __io_bw}/{@code __io_ar}): UC memory is strongly ordered, so ordered accesses need
 * only compiler ordering; HotSpot's release and acquire fences emit no instruction on x86 but
 * stop the JIT from moving memory accesses across them. A flush drains write-combining buffers:
 * {@link VarHandle#fullFence()} emits a LOCKed instruction ({@code lock addl}), which the Intel
 * SDM (vol. 3, 11.3.1) lists among the events that evict WC buffers, like {@code sfence}.
 */
enum X86Barriers implements Barriers {
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
        VarHandle.fullFence();
    }
}
