package dev.iomem.core.pci;

import java.util.List;
import java.util.Optional;

/**
 * The kernel's {@code pci_p2pdma_whitelist[]} (drivers/pci/p2pdma.c): root complexes known to
 * route peer-to-peer traffic between their root ports. The kernel matches the host bridge's
 * "root" function, the first function on its root bus if that is devfn 00.0 or a PCIe root port
 * ({@code pci_host_bridge_dev()}).
 *
 * <p>Entries as of the mainline kernel's 2025 list (Intel Xeon E5/E7 v3 need both devices on the
 * same host bridge; Skylake-E, Ice Lake-SP, Sapphire/Granite Rapids DSA/IAA and QAT, and every
 * Google device are allowed across host bridges). NVIDIA root ports mentioned in iomem's
 * REFERENCES.md could not be confirmed in a kernel source, so they are not listed.
 */
public final class HostBridgeWhitelist {

    /** PCI vendor ID of Intel. */
    public static final int INTEL = 0x8086;
    /** PCI vendor ID of Google ({@code PCI_VENDOR_ID_GOOGLE}). */
    public static final int GOOGLE = 0x1ae0;
    /** Matches every device of the vendor ({@code PCI_ANY_ID}). */
    public static final int ANY_DEVICE = -1;

    /**
     * One entry.
     *
     * @param vendor                 the vendor ID
     * @param device                 the device ID, or {@link #ANY_DEVICE}
     * @param requiresSameHostBridge whether both functions must sit under this same host bridge
     *                               ({@code REQ_SAME_HOST_BRIDGE})
     * @param name                   the platform, for messages
     */
    public record Entry(int vendor, int device, boolean requiresSameHostBridge, String name) {
    }

    private static final List<Entry> KERNEL = List.of(
            new Entry(INTEL, 0x3c00, true, "Intel Xeon E5/Core i7"),
            new Entry(INTEL, 0x3c01, true, "Intel Xeon E5/Core i7"),
            new Entry(INTEL, 0x2f00, true, "Intel Xeon E7 v3/Xeon E5 v3/Core i7"),
            new Entry(INTEL, 0x2f01, true, "Intel Xeon E7 v3/Xeon E5 v3/Core i7"),
            new Entry(INTEL, 0x2030, false, "Intel Skylake-E"),
            new Entry(INTEL, 0x2031, false, "Intel Skylake-E"),
            new Entry(INTEL, 0x2032, false, "Intel Skylake-E"),
            new Entry(INTEL, 0x2033, false, "Intel Skylake-E"),
            new Entry(INTEL, 0x2020, false, "Intel Skylake-E"),
            new Entry(INTEL, 0x09a2, false, "Intel Ice Lake-SP"),
            new Entry(INTEL, 0x0b25, false, "Intel Sapphire Rapids DSA"),
            new Entry(INTEL, 0x0cfe, false, "Intel Sapphire Rapids IAA"),
            new Entry(INTEL, 0x11fb, false, "Intel Granite Rapids-D DSA"),
            new Entry(INTEL, 0x1212, false, "Intel Diamond Rapids DSA"),
            new Entry(INTEL, 0x1216, false, "Intel Diamond Rapids IAA"),
            new Entry(INTEL, 0x4940, false, "Intel QAT 4xxx"),
            new Entry(INTEL, 0x4942, false, "Intel QAT 401xx"),
            new Entry(INTEL, 0x4944, false, "Intel QAT 402xx"),
            new Entry(INTEL, 0x4946, false, "Intel QAT 420xx"),
            new Entry(INTEL, 0x4948, false, "Intel QAT 6xxx"),
            new Entry(GOOGLE, ANY_DEVICE, false, "Google SoC"));

    private final List<Entry> entries;

    private HostBridgeWhitelist(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** {@return the kernel's list} */
    public static HostBridgeWhitelist kernel() {
        return new HostBridgeWhitelist(KERNEL);
    }

    /**
     * {@return a list with other entries, for tests and for platforms the kernel has not listed yet}
     *
     * @param entries the entries
     * @throws NullPointerException if {@code entries} or an entry is {@code null}
     */
    public static HostBridgeWhitelist of(List<Entry> entries) {
        return new HostBridgeWhitelist(entries);
    }

    /** {@return the entries, in the kernel's order} */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * {@return the first entry that matches, as the kernel's loop stops at the first vendor and
     * device match}
     *
     * @param vendor the root function's vendor ID
     * @param device the root function's device ID
     */
    public Optional<Entry> find(int vendor, int device) {
        for (Entry e : entries) {
            if (e.vendor() == vendor && (e.device() == ANY_DEVICE || e.device() == device)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
