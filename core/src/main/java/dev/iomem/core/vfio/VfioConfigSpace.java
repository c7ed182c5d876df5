package dev.iomem.core.vfio;

import dev.iomem.api.Width;

/**
 * A VFIO device's PCI configuration space, read and written through its config region
 * (vfio-pci region 7) with one {@code pread} or {@code pwrite} per access. vfio-pci virtualises
 * parts of it (BARs, MSI and MSI-X capabilities); what it lets through reaches the device.
 */
public final class VfioConfigSpace {

    /** The command register's offset (PCI Local Bus 3.0, 6.2.2). */
    public static final int COMMAND = 0x04;
    /** Command bit 1: respond to memory space accesses. */
    public static final int COMMAND_MEMORY = 0x2;
    /** Command bit 2: bus master, the device may issue DMA (and MSI writes). */
    public static final int COMMAND_BUS_MASTER = 0x4;
    /** Command bit 10: INTx disable. */
    public static final int COMMAND_INTX_DISABLE = 0x400;

    private final VfioRegionBus bus;

    VfioConfigSpace(VfioRegionBus bus) {
        this.bus = bus;
    }

    /** {@return the size of config space: 256 for PCI, 4096 for PCIe} */
    public long size() {
        return bus.size();
    }

    /**
     * {@return the value at {@code offset}, zero-extended}
     *
     * @param offset the offset, aligned to {@code width}
     * @param width  1, 2 or 4 bytes
     * @throws IllegalArgumentException if the offset is misaligned or outside config space, or the
     *                                  width is 8 bytes (config space takes at most 4)
     * @throws dev.iomem.api.IoFaultException if the kernel fails the read
     */
    public int read(int offset, Width width) {
        check(offset, width);
        return (int) bus.load(offset, width);
    }

    /**
     * Writes the low bits of {@code value} at {@code offset}.
     *
     * @param offset the offset, aligned to {@code width}
     * @param width  1, 2 or 4 bytes
     * @param value  the value
     * @throws IllegalArgumentException if the offset is misaligned or outside config space, or the
     *                                  width is 8 bytes
     * @throws dev.iomem.api.IoFaultException if the kernel fails the write
     */
    public void write(int offset, Width width, int value) {
        check(offset, width);
        bus.store(offset, width, Integer.toUnsignedLong(value) & width.mask());
    }

    /** {@return the vendor ID (offset 0)} */
    public int vendorId() {
        return read(0x00, Width.SHORT);
    }

    /** {@return the device ID (offset 2)} */
    public int deviceId() {
        return read(0x02, Width.SHORT);
    }

    /** {@return the command register} */
    public int command() {
        return read(COMMAND, Width.SHORT);
    }

    /**
     * Sets memory decode and bus mastering in the command register (a read, then one write if a
     * bit was missing), so that the BARs answer and the device may DMA.
     *
     * @return the command register as written
     */
    public int enableMemoryAndBusMaster() {
        int cmd = command();
        int wanted = cmd | COMMAND_MEMORY | COMMAND_BUS_MASTER;
        if (wanted != cmd) {
            write(COMMAND, Width.SHORT, wanted);
        }
        return wanted;
    }

    private void check(int offset, Width width) {
        if (width == Width.LONG) {
            throw new IllegalArgumentException("config space takes accesses of 1, 2 or 4 bytes, not 8");
        }
        if (offset < 0 || offset > bus.size() - width.bytes()) {
            throw new IllegalArgumentException("config offset 0x" + Integer.toHexString(offset) + " (+" + width.bytes()
                    + ") is outside the device's " + bus.size() + " bytes of config space");
        }
        if (offset % width.bytes() != 0) {
            throw new IllegalArgumentException("config offset 0x" + Integer.toHexString(offset) + " is not aligned to "
                    + width.bytes() + " bytes");
        }
    }
}
