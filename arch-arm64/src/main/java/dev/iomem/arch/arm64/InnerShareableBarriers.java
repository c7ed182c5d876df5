package dev.iomem.arch.arm64;

import dev.iomem.spi.Barriers;

import java.lang.invoke.VarHandle;

/**
 * The degraded arm64 barriers, used where the native stubs cannot be made: the JVM's own fences.
 *
 * <p>On aarch64 HotSpot emits {@code dmb ishld} for {@link VarHandle#acquireFence()} and
 * {@code dmb ish} for {@link VarHandle#releaseFence()} and {@link VarHandle#fullFence()}: all
 * inner-shareable, none a {@code dsb}. The kernel orders MMIO with outer-shareable barriers
 * ({@code dmb oshld} after a read, {@code dmb oshst} before a write) and completes writes with
 * {@code dsb st}; an inner-shareable {@code dmb} is not architecturally guaranteed to order an
 * access to Device memory against a device in the outer-shareable domain, and nothing here waits
 * for writes to complete. These barriers still keep the JIT from reordering, and many
 * implementations make {@code dmb ish} strong enough in practice, but that is not a guarantee:
 * this is what "ordering degraded" means in {@link Arm64Backend#probe()}.
 */
enum InnerShareableBarriers implements Barriers {
    /** The only instance. */
    INSTANCE;

    @Override
    public void beforeWrite() {
        VarHandle.releaseFence(); // dmb ish on aarch64, where dmb oshst is wanted
    }

    @Override
    public void afterRead(long value) {
        VarHandle.acquireFence(); // dmb ishld on aarch64, where dmb oshld is wanted
    }

    @Override
    public void flushWrites() {
        VarHandle.fullFence(); // dmb ish on aarch64, where dsb st is wanted
    }

    @Override
    public String toString() {
        return "arm64 barriers, DEGRADED to the JVM's inner-shareable fences (dmb ish*)";
    }
}
