/**
 * The iomem contract: architecture-correct access to PCI BAR memory ({@link dev.iomem.api}),
 * DMA-only scatter-gather tables ({@link dev.iomem.api.dma}), PCI topology types
 * ({@link dev.iomem.api.pci}), register layouts ({@link dev.iomem.api.regs}) and the backend service-provider interface ({@link dev.iomem.spi}).
 *
 * <p>This module has no dependencies. Implementations live in {@code dev.iomem.core} and the
 * {@code dev.iomem.arch.*} modules.
 */
module dev.iomem.api {
    exports dev.iomem.api;
    exports dev.iomem.api.dma;
    exports dev.iomem.api.pci;
    exports dev.iomem.api.regs;
    exports dev.iomem.spi;
}
