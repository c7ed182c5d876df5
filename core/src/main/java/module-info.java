/**
 * The iomem machinery: backend discovery ({@link dev.iomem.core.Iomem}), the platform that
 * opens BAR windows ({@link dev.iomem.core.IoPlatform}) and the optional Guice wiring
 * ({@link dev.iomem.core.guice.IomemModule}).
 */
module dev.iomem.core {
    requires transitive dev.iomem.api;
    requires static com.google.guice;

    exports dev.iomem.core;
    exports dev.iomem.core.access;
    exports dev.iomem.core.dma;
    exports dev.iomem.core.guice;
    exports dev.iomem.core.linux;
    exports dev.iomem.core.pci;
    exports dev.iomem.core.regs;
    exports dev.iomem.core.regs.layouts;
    exports dev.iomem.core.stubs;
    exports dev.iomem.core.vfio;

    uses dev.iomem.spi.ArchBackend;
}
