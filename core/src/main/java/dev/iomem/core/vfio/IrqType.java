package dev.iomem.core.vfio;

/** vfio-pci's interrupt indices (include/uapi/linux/vfio.h, {@code VFIO_PCI_*_IRQ_INDEX}). */
public enum IrqType {
    /** Legacy INTx: one line, level-triggered; vfio-pci masks it when it fires (automasked). */
    INTX(0),
    /** MSI: up to 32 vectors; vfio-pci cannot mask them individually. */
    MSI(1),
    /** MSI-X: up to 2048 vectors; vfio-pci cannot mask them individually. */
    MSIX(2),
    /** PCIe AER error reporting. */
    ERR(3),
    /** The kernel's request to release the device. */
    REQ(4);

    private final int index;

    IrqType(int index) {
        this.index = index;
    }

    /** {@return the VFIO IRQ index} */
    public int index() {
        return index;
    }
}
