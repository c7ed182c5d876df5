/**
 * DMA-only scatter-gather tables and the mappers that build them.
 *
 * <ul>
 *   <li>{@link dev.iomem.core.dma.DmaTableBuilder} builds a packed
 *       {@link dev.iomem.api.dma.DmaOnlySgTable} (16 bytes a segment, no object a segment),
 *       coalescing and splitting within the device's {@link dev.iomem.api.dma.DmaConstraints}
 *       and refusing any address outside the DMA mask.</li>
 *   <li>{@link dev.iomem.core.dma.DmaBuffers} allocates locked, populated memory with
 *       {@code mmap} (2 MiB hugepages when asked and available), released with its arena.</li>
 *   <li>{@link dev.iomem.core.dma.PagemapDmaMapper} maps memory by physical address, reading
 *       {@code /proc/self/pagemap} in batches ({@link dev.iomem.core.dma.PagemapReader},
 *       {@link dev.iomem.core.dma.PagemapEntry}); it needs CAP_SYS_ADMIN and has run on this
 *       project's x86-64 machine as root.</li>
 *   <li>{@link dev.iomem.core.dma.VfioDmaMapper} maps memory through the IOMMU with VFIO type1.
 *       <b>It has not run against real VFIO</b>: the machine it was written on has no
 *       {@code /dev/vfio}; its ioctl sequence and structure bytes are tested through a mocked
 *       {@link dev.iomem.core.vfio.IoctlGateway}.</li>
 *   <li>{@link dev.iomem.core.dma.DmaMappers} picks VFIO when {@code /dev/vfio} serves the
 *       device, pagemap otherwise, and says why.</li>
 * </ul>
 *
 * <p>Peer-BAR mapping ({@link dev.iomem.api.dma.DmaMapper#mapPciBar}, the seed's
 * {@code sgl_dma_map_pci_bar}) routes through the PCI topology: PCI bus addresses through a
 * common switch, physical addresses through the host bridge where the CPU or bridge allows
 * peer-to-peer and there is no IOMMU, otherwise a refusal that names the route and why.
 */
package dev.iomem.core.dma;
