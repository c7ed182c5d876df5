package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaMapper;

import java.util.Objects;

/**
 * The DMA mapper {@link DmaMappers} chose for a device, and why.
 *
 * @param mapper the mapper
 * @param reason why it was chosen, in one line (and why the other was not)
 */
public record DmaMapperChoice(DmaMapper mapper, String reason) implements AutoCloseable {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public DmaMapperChoice {
        Objects.requireNonNull(mapper, "mapper");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * Closes the mapper if it holds resources (a VFIO container), which unmaps every table it
     * made that is still open.
     *
     * @throws dev.iomem.api.dma.DmaMappingException if closing the mapper failed
     */
    @Override
    public void close() {
        if (mapper instanceof VfioDmaMapper vfio) {
            vfio.close();
        }
    }
}
