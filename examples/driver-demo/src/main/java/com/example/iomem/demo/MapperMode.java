package com.example.iomem.demo;

import java.util.Locale;

/**
 * How the demo builds the DMA table of its buffer.
 */
public enum MapperMode {
    /** {@link #PAGEMAP} if this process may read physical addresses, else {@link #SIMULATED_IOVA}. */
    AUTO,
    /** iomem's {@link dev.iomem.core.dma.PagemapDmaMapper}: real physical addresses; needs CAP_SYS_ADMIN. */
    PAGEMAP,
    /**
     * A table built with {@link dev.iomem.core.dma.DmaTableBuilder} over a simulated IOVA space,
     * each page at its own address, as an IOMMU that maps page by page might place them.
     */
    SIMULATED_IOVA;

    /** {@return the name used on the command line, such as {@code simulated-iova}} */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * {@return the mode with the given command-line name}
     *
     * @param label {@code auto}, {@code pagemap} or {@code simulated-iova}
     * @throws IllegalArgumentException if no mode has that name
     */
    public static MapperMode ofLabel(String label) {
        for (MapperMode m : values()) {
            if (m.label().equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mapper '" + label + "': use auto, pagemap or simulated-iova");
    }
}
