package dev.iomem.core.pci;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What iomem reads from a function's configuration space (sysfs {@code config}): the identity,
 * the BAR registers (which hold PCI bus addresses, where {@code resource} holds CPU addresses),
 * the PCI Express port type and the ACS control register.
 *
 * <p>Only the first 64 bytes (128 for CardBus) are readable without {@code CAP_SYS_ADMIN}
 * ({@code drivers/pci/pci-sysfs.c} {@code pci_read_config()}); then {@link #capabilitiesReadable()}
 * is false and the PCIe type and ACS state are unknown rather than absent.
 */
public final class ConfigSpace {

    /** ACS Source Validation ({@code PCI_ACS_SV}). */
    public static final int ACS_SV = 0x0001;
    /** ACS Translation Blocking ({@code PCI_ACS_TB}). */
    public static final int ACS_TB = 0x0002;
    /** ACS P2P Request Redirect ({@code PCI_ACS_RR}). */
    public static final int ACS_RR = 0x0004;
    /** ACS P2P Completion Redirect ({@code PCI_ACS_CR}). */
    public static final int ACS_CR = 0x0008;
    /** ACS Upstream Forwarding ({@code PCI_ACS_UF}). */
    public static final int ACS_UF = 0x0010;
    /** ACS P2P Egress Control ({@code PCI_ACS_EC}). */
    public static final int ACS_EC = 0x0020;
    /** ACS Direct Translated P2P ({@code PCI_ACS_DT}). */
    public static final int ACS_DT = 0x0040;
    /**
     * The control bits that send peer-to-peer traffic up to the root complex: the kernel's
     * {@code pci_bridge_has_acs_redir()} tests {@code PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC}.
     */
    public static final int ACS_REDIRECT_BITS = ACS_RR | ACS_CR | ACS_EC;

    /** PCIe port type of a Root Port ({@code PCI_EXP_TYPE_ROOT_PORT}). */
    public static final int PCIE_TYPE_ROOT_PORT = 0x4;
    /** PCIe port type of a switch upstream port ({@code PCI_EXP_TYPE_UPSTREAM}). */
    public static final int PCIE_TYPE_UPSTREAM = 0x5;
    /** PCIe port type of a switch downstream port ({@code PCI_EXP_TYPE_DOWNSTREAM}). */
    public static final int PCIE_TYPE_DOWNSTREAM = 0x6;

    private final int length;
    private final int vendorId;
    private final int deviceId;
    private final int headerType;
    private final int[] barRegisters;
    private final boolean capabilitiesReadable;
    private final OptionalInt pcieType;
    private final OptionalInt acsControl;

    ConfigSpace(int length, int vendorId, int deviceId, int headerType, int[] barRegisters,
                boolean capabilitiesReadable, OptionalInt pcieType, OptionalInt acsControl) {
        this.length = length;
        this.vendorId = vendorId;
        this.deviceId = deviceId;
        this.headerType = headerType;
        this.barRegisters = barRegisters.clone();
        this.capabilitiesReadable = capabilitiesReadable;
        this.pcieType = pcieType;
        this.acsControl = acsControl;
    }

    /** {@return how many bytes could be read: 64 or 128 without privilege, else 256 or 4096} */
    public int length() {
        return length;
    }

    /** {@return the vendor ID register} */
    public int vendorId() {
        return vendorId;
    }

    /** {@return the device ID register} */
    public int deviceId() {
        return deviceId;
    }

    /** {@return the header type without the multi-function bit: 0 endpoint, 1 bridge, 2 CardBus} */
    public int headerType() {
        return headerType;
    }

    /** {@return how many BAR registers this header type has: 6, 2 or 0} */
    public int barCount() {
        return barRegisters.length;
    }

    /**
     * {@return the raw 32-bit BAR register {@code index}}
     *
     * @param index the register, 0 to {@code barCount() - 1}
     * @throws IndexOutOfBoundsException if this header type has no such register
     */
    public int barRegister(int index) {
        return barRegisters[index];
    }

    /**
     * {@return the PCI bus address held by BAR {@code index}, if this header has that BAR and it
     * holds an address}: memory BARs mask the low 4 bits and take the next register as the high
     * half when the type bits say 64-bit; I/O BARs mask the low 2 bits
     * ({@code drivers/pci/probe.c} {@code __pci_read_base()}). Empty for index beyond the header's
     * BARs, for the upper half of a 64-bit BAR, and for a register that reads 0 (an SR-IOV VF's
     * BARs live in its PF's SR-IOV capability and read as 0).
     *
     * @param index the BAR, 0 to 5
     */
    public OptionalLong busAddress(int index) {
        if (index < 0 || index >= barRegisters.length) {
            return OptionalLong.empty();
        }
        if (index > 0 && isMemory64Low(index - 1)) {
            return OptionalLong.empty();
        }
        int low = barRegisters[index];
        long address;
        if ((low & 0x1) != 0) {
            address = Integer.toUnsignedLong(low) & ~0x3L;
        } else if (isMemory64Low(index)) {
            if (index + 1 >= barRegisters.length) {
                return OptionalLong.empty();
            }
            address = (Integer.toUnsignedLong(barRegisters[index + 1]) << 32) | (Integer.toUnsignedLong(low) & ~0xfL);
        } else {
            address = Integer.toUnsignedLong(low) & ~0xfL;
        }
        return address == 0 ? OptionalLong.empty() : OptionalLong.of(address);
    }

    private boolean isMemory64Low(int index) {
        int r = barRegisters[index];
        // Memory BAR (bit 0 clear) with type bits 2:1 = 10b (PCI_BASE_ADDRESS_MEM_TYPE_64).
        return (r & 0x1) == 0 && (r & 0x6) == 0x4;
    }

    /**
     * {@return whether the capability lists could be read}: false when only the first 64 (or
     * 128) bytes were readable, which is all the kernel gives a process without
     * {@code CAP_SYS_ADMIN}
     */
    public boolean capabilitiesReadable() {
        return capabilitiesReadable;
    }

    /** {@return the PCI Express port type (bits 7:4 of the PCIe capabilities register), if a PCIe capability was found} */
    public OptionalInt pcieType() {
        return pcieType;
    }

    /**
     * {@return the ACS control register, if the ACS extended capability was found}; empty both
     * when it is absent and when it could not be read: see {@link #capabilitiesReadable()}
     */
    public OptionalInt acsControl() {
        return acsControl;
    }

    /** {@return whether ACS is known to redirect peer-to-peer traffic (RR, CR or EC set)} */
    public boolean acsRedirects() {
        return acsControl.isPresent() && (acsControl.getAsInt() & ACS_REDIRECT_BITS) != 0;
    }

    @Override
    public String toString() {
        return "ConfigSpace[" + length + " bytes, " + String.format("%04x:%04x", vendorId, deviceId) + ", header " + headerType
                + ", BARs " + Arrays.stream(barRegisters).mapToObj(r -> String.format("%08x", r)).toList()
                + (capabilitiesReadable ? "" : ", capabilities not readable")
                + pcieType.stream().mapToObj(t -> ", PCIe type " + t).findFirst().orElse("")
                + acsControl.stream().mapToObj(c -> String.format(", ACS ctrl 0x%04x", c)).findFirst().orElse("") + "]";
    }
}
