package com.example.iomem.demo;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.core.dma.DmaTableBuilder;
import dev.iomem.core.dma.PagemapDmaMapper;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The DMA table of the demo's buffer, which mapper built it, and why that one.
 *
 * @param table  the table; close it before the buffer's arena
 * @param mode   {@link MapperMode#PAGEMAP} or {@link MapperMode#SIMULATED_IOVA}, the one that ran
 * @param reason why that one ran
 */
public record DemoDmaMapping(DmaOnlySgTable table, MapperMode mode, String reason) implements AutoCloseable {

    /** Where the simulated IOVA space starts. */
    public static final long SIMULATED_IOVA_BASE = 0x4000_0000L;
    /** The distance between the simulated IOVAs of consecutive pages: every page is its own segment. */
    public static final long SIMULATED_IOVA_STRIDE = 0x1_0000L;

    /**
     * Checks the parts.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code mode} is {@link MapperMode#AUTO}
     */
    public DemoDmaMapping {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(reason, "reason");
        if (mode == MapperMode.AUTO) {
            throw new IllegalArgumentException("a mapping is made by a definite mapper, not AUTO");
        }
    }

    /**
     * Maps {@code buffer} for the device.
     *
     * @param buffer      page-aligned native memory, locked ({@link dev.iomem.core.dma.DmaBuffers})
     * @param pageSize    the size of the pages backing it
     * @param mode        which mapper to use
     * @param constraints what the device can address
     * @return the mapping
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if simulated IOVAs are used and {@code pageSize} is above
     *                                  {@link #SIMULATED_IOVA_STRIDE}
     * @throws DmaMappingException      if {@link MapperMode#PAGEMAP} was asked for and cannot be
     *                                  used, or an address is outside the constraints
     */
    public static DemoDmaMapping create(MemorySegment buffer, long pageSize, MapperMode mode, DmaConstraints constraints) {
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(constraints, "constraints");
        PagemapDmaMapper pagemap = PagemapDmaMapper.create();
        if (mode == MapperMode.AUTO) {
            try {
                pagemap.checkPrivilege();
            } catch (DmaMappingException e) {
                return simulatedIova(buffer, pageSize, constraints, "pagemap cannot run here: " + e.getMessage());
            }
            mode = MapperMode.PAGEMAP;
        }
        if (mode == MapperMode.SIMULATED_IOVA) {
            return simulatedIova(buffer, pageSize, constraints, "asked for with --mapper simulated-iova");
        }
        DmaOnlySgTable table = pagemap.mapUser(buffer, DmaDirection.BIDIRECTIONAL, constraints);
        return new DemoDmaMapping(table, MapperMode.PAGEMAP, "this process has CAP_SYS_ADMIN, so /proc/self/pagemap shows"
                + " real physical addresses (no device is attached: nothing but the simulated engine uses them)");
    }

    /**
     * Builds the table the way a mapper does, with {@link DmaTableBuilder}, over made-up IOVAs:
     * page {@code i} at {@link #SIMULATED_IOVA_BASE} {@code + i *} {@link #SIMULATED_IOVA_STRIDE}.
     * Nothing is pinned or mapped, so closing the table has nothing to undo.
     */
    private static DemoDmaMapping simulatedIova(MemorySegment buffer, long pageSize, DmaConstraints constraints, String reason) {
        if (pageSize > SIMULATED_IOVA_STRIDE) {
            throw new IllegalArgumentException("pages of " + pageSize + " B do not fit the simulated IOVA stride of "
                    + SIMULATED_IOVA_STRIDE + " B");
        }
        DmaTableBuilder builder = DmaTableBuilder.create(DmaAddressSpace.IOVA, constraints, DmaDirection.BIDIRECTIONAL, null, false);
        long size = buffer.byteSize();
        for (long at = 0, page = 0; at < size; at += pageSize, page++) {
            builder.add(SIMULATED_IOVA_BASE + page * SIMULATED_IOVA_STRIDE, Math.min(pageSize, size - at));
        }
        return new DemoDmaMapping(builder.build(() -> { }), MapperMode.SIMULATED_IOVA, reason);
    }

    /** Closes the table: unlocks the pages exactly once for pagemap, nothing for simulated IOVAs. */
    @Override
    public void close() {
        table.close();
    }
}
