/**
 * The s390x backend: zPCI rules and the s390_pci_mmio_read/write system calls (352/353) through an FFM downcall.
 */
module dev.iomem.arch.s390x {
    requires transitive dev.iomem.api;
    requires transitive dev.iomem.core;

    exports dev.iomem.arch.s390x;

    provides dev.iomem.spi.ArchBackend with dev.iomem.arch.s390x.S390xBackend;
}
