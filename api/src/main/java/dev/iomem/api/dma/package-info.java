/**
 * DMA-only scatter-gather tables: lists of device addresses that the CPU can never touch
 * ({@link dev.iomem.api.dma.DmaOnlySgTable}), built by a {@link dev.iomem.api.dma.DmaMapper}
 * within a device's {@link dev.iomem.api.dma.DmaConstraints}. After the kernel's
 * {@code dma_buf_phys_vec_to_sgt}: no pages, no CPU list, only DMA addresses and lengths.
 */
package dev.iomem.api.dma;
