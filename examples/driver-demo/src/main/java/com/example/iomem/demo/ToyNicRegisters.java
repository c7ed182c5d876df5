package com.example.iomem.demo;

import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.RegisterLayout;

/**
 * The register map of BAR 0 of the toy DMA engine. Every register is 32 bits wide and naturally
 * aligned, so the strictest architecture (arm64 Device memory) can reach each one with a single
 * access; values are little-endian, as on any PCI device.
 *
 * <pre>
 * 0x00  ID           read-only    {@link #ID_VALUE}
 * 0x04  STATUS       read-to-clear {@link #STATUS_DONE} | {@link #STATUS_ERROR}
 * 0x08  COMPLETED    read/write   descriptors completed since reset
 * 0x0c  DOORBELL     write-only   the new ring tail: "descriptors up to here are yours"
 * 0x10  RING_BASE_LO read/write   DMA address of the descriptor ring, low 32 bits
 * 0x14  RING_BASE_HI read/write   ... high 32 bits
 * 0x18  RING_SIZE    read/write   number of descriptors in the ring
 * 0x20  FAULT_LO     read/write   the DMA address the engine could not reach, low 32 bits
 * 0x24  FAULT_HI     read/write   ... high 32 bits
 * 0x2a  MAC          read-only    six bytes, at an offset that is not 4-aligned on purpose
 * </pre>
 */
public final class ToyNicRegisters {

    /** The size of BAR 0. */
    public static final long BAR_SIZE = 0x1000;

    /** Identifies the device. */
    public static final long ID = 0x00;
    /** Completion and error bits; a read returns them and clears them. */
    public static final long STATUS = 0x04;
    /** Descriptors the engine has completed. */
    public static final long COMPLETED = 0x08;
    /** Writing the ring's new tail index here starts the engine. */
    public static final long DOORBELL = 0x0c;
    /** Low half of the ring's DMA address. */
    public static final long RING_BASE_LO = 0x10;
    /** High half of the ring's DMA address. */
    public static final long RING_BASE_HI = 0x14;
    /** Descriptors in the ring. */
    public static final long RING_SIZE = 0x18;
    /** Low half of the DMA address the engine faulted on. */
    public static final long FAULT_LO = 0x20;
    /** High half of the DMA address the engine faulted on. */
    public static final long FAULT_HI = 0x24;
    /** The six-byte station address. */
    public static final long MAC = 0x2a;
    /** Length of {@link #MAC}. */
    public static final int MAC_LENGTH = 6;

    /** What {@link #ID} reads. */
    public static final int ID_VALUE = 0x1d0c_0001;
    /** What {@link #MAC} holds. */
    public static final byte[] MAC_VALUE = {0x02, 0x10, (byte) 0xe0, 0x00, 0x0d, (byte) 0xa7};

    /** {@link #STATUS}: every descriptor up to the doorbell's tail is done. */
    public static final int STATUS_DONE = 1;
    /** {@link #STATUS}: the engine stopped on a fault; {@link #FAULT_LO}/{@link #FAULT_HI} say where. */
    public static final int STATUS_ERROR = 2;

    /**
     * The register map above as an iomem register layout: the driver binds it once to BAR 0 and
     * reaches every register through a handle that has its width and access kind (a read of the
     * write-only {@code DOORBELL}, or an implicit read of the read-to-clear {@code STATUS}, is
     * refused before the device is touched).
     */
    public static final RegisterLayout LAYOUT = RegisterLayout.builder("toy-nic")
            .register("ID", ID, 32, AccessKind.READ_ONLY)
            .register("STATUS", STATUS, 32, AccessKind.READ_TO_CLEAR, f -> f.flag("DONE", 0).flag("ERROR", 1))
            .register("COMPLETED", COMPLETED, 32, AccessKind.READ_WRITE)
            .register("DOORBELL", DOORBELL, 32, AccessKind.WRITE_ONLY)
            .register("RING_BASE_LO", RING_BASE_LO, 32, AccessKind.READ_WRITE)
            .register("RING_BASE_HI", RING_BASE_HI, 32, AccessKind.READ_WRITE)
            .register("RING_SIZE", RING_SIZE, 32, AccessKind.READ_WRITE)
            .register("FAULT_LO", FAULT_LO, 32, AccessKind.READ_WRITE)
            .register("FAULT_HI", FAULT_HI, 32, AccessKind.READ_WRITE)
            .build();

    private ToyNicRegisters() {
    }

    /**
     * {@return the register's name, for traces, or the offset in hex if none starts there}
     *
     * @param offset a BAR offset
     */
    public static String nameAt(long offset) {
        if (offset == ID) {
            return "ID";
        } else if (offset == STATUS) {
            return "STATUS";
        } else if (offset == COMPLETED) {
            return "COMPLETED";
        } else if (offset == DOORBELL) {
            return "DOORBELL";
        } else if (offset == RING_BASE_LO) {
            return "RING_BASE_LO";
        } else if (offset == RING_BASE_HI) {
            return "RING_BASE_HI";
        } else if (offset == RING_SIZE) {
            return "RING_SIZE";
        } else if (offset == FAULT_LO) {
            return "FAULT_LO";
        } else if (offset == FAULT_HI) {
            return "FAULT_HI";
        } else if (offset >= MAC && offset < MAC + MAC_LENGTH) {
            return "MAC+" + (offset - MAC);
        }
        return "0x" + Long.toHexString(offset);
    }
}
