package dev.iomem.bench;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.arch.x86.X86Backend;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A BAR stand-in for benchmarks: page-aligned native memory, opened through the x86 backend's
 * real native bus ({@code MappedBus}) and barriers, exactly as {@code IoPlatform.open} would.
 * The memory is cached RAM, so the numbers measure iomem's own cost, not a device's.
 */
final class SimulatedBar implements AutoCloseable {

    final Arena arena = Arena.ofShared();
    final MemorySegment memory;
    final IoAccessor accessor;

    SimulatedBar(long size) {
        memory = arena.allocate(size, 4096);
        X86Backend backend = new X86Backend();
        accessor = backend.accessor(backend.openBus(new MappedRegion(memory, MemoryType.DEVICE, "bench", false)),
                MemoryType.DEVICE, backend.nativeBarriers());
    }

    @Override
    public void close() {
        accessor.close();
        arena.close();
    }
}
