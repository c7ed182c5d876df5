package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Run by {@link UnprivilegedPagemapTest} in a child JVM without privileges: tries one mapping
 * and prints what happened, one line per fact.
 */
public final class UnprivilegedMapping {

    private UnprivilegedMapping() {
    }

    /**
     * Tries a mapping.
     *
     * @param args {@code precheck} (the mapper as users get it), {@code kernel} (the real
     *             pagemap without the up-front privilege check, so the kernel's hidden PFNs
     *             are what is refused) or {@code buffers} (64 MiB of locked memory)
     */
    public static void main(String[] args) {
        System.out.println("CAPEFF " + !ProcSelfStatus.hasEffective(ProcSelfStatus.CAP_SYS_ADMIN));
        try (Arena arena = Arena.ofConfined()) {
            switch (args[0]) {
                case "precheck", "kernel" -> {
                    MemorySegment mem = arena.allocate(64 * 1024, Libc.pageSize());
                    PagemapDmaMapper m = args[0].equals("precheck") ? PagemapDmaMapper.create()
                            : PagemapDmaMapper.withPagemapFile(PagemapReader.SELF);
                    try (DmaOnlySgTable t = m.mapUser(mem, DmaDirection.TO_DEVICE, DmaConstraints.UNRESTRICTED)) {
                        System.out.println("MAPPED " + t.segmentCount());
                    }
                }
                case "buffers" -> System.out.println("MAPPED " + DmaBuffers.allocate(arena, 64 << 20, HugePagePolicy.NEVER).pages());
                default -> throw new IllegalArgumentException(args[0]);
            }
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.println("VMLCK " + ProcSelfStatus.lockedBytes());
        System.out.println("HOLDS " + LockedRanges.liveHolds());
    }
}
