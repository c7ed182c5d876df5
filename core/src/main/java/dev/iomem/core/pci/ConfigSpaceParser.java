package dev.iomem.core.pci;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Parses the bytes of a function's sysfs {@code config} file into a {@link ConfigSpace}.
 *
 * <p>Accepted lengths are exactly those the kernel produces: 64 (128 for CardBus) for a reader
 * without {@code CAP_SYS_ADMIN}, 256 for conventional PCI, 4096 for PCI Express. Any other
 * length is a truncated or foreign file. Capability lists are walked as the kernel walks them
 * ({@code drivers/pci/pci.c} {@code __pci_find_next_cap_ttl()} and
 * {@code pci_find_next_ext_capability()}): a pointer below the header ends the list, and a
 * bounded number of steps ends a looping list; neither is an error, as neither is for the kernel.
 * The parser is strict about everything else and throws only {@link MalformedSysfsFileException}
 * (a fuzzer targets it).
 */
public final class ConfigSpaceParser {

    /** Bytes a reader without privilege gets ({@code pci_read_config()}). */
    public static final int UNPRIVILEGED_LENGTH = 64;
    /** Bytes an unprivileged reader gets for a CardBus bridge. */
    public static final int UNPRIVILEGED_CARDBUS_LENGTH = 128;
    /** Conventional PCI configuration space ({@code PCI_CFG_SPACE_SIZE}). */
    public static final int PCI_LENGTH = 256;
    /** PCI Express extended configuration space ({@code PCI_CFG_SPACE_EXP_SIZE}). */
    public static final int PCIE_LENGTH = 4096;

    private static final int STATUS = 0x06;
    private static final int STATUS_CAP_LIST = 0x10;
    private static final int HEADER_TYPE = 0x0e;
    private static final int BAR0 = 0x10;
    private static final int CAPABILITY_LIST = 0x34;
    private static final int CARDBUS_CAPABILITY_LIST = 0x14;
    private static final int CAP_ID_EXP = 0x10;
    private static final int EXT_CAP_ID_ACS = 0x000d;
    private static final int ACS_CTRL = 0x06;
    private static final int CAP_TTL = 48; // PCI_FIND_CAP_TTL
    private static final int EXT_CAP_TTL = (PCIE_LENGTH - PCI_LENGTH) / 8;

    private ConfigSpaceParser() {
    }

    /**
     * Parses configuration space bytes.
     *
     * @param file  the file's name or path, for messages
     * @param bytes the bytes read
     * @return the parsed configuration space
     * @throws NullPointerException        if an argument is {@code null}
     * @throws MalformedSysfsFileException if the length is not 64, 128, 256 or 4096 bytes, the
     *                                     vendor ID reads 0xffff (the function is gone or the
     *                                     read failed), or the header type is not 0, 1 or 2
     */
    public static ConfigSpace parse(String file, byte[] bytes) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(bytes, "bytes");
        int n = bytes.length;
        if (n < UNPRIVILEGED_LENGTH) {
            throw new MalformedSysfsFileException(file, "is truncated: " + n + " bytes, the configuration header alone has "
                    + UNPRIVILEGED_LENGTH);
        }
        if (n != UNPRIVILEGED_LENGTH && n != UNPRIVILEGED_CARDBUS_LENGTH && n != PCI_LENGTH && n != PCIE_LENGTH) {
            throw new MalformedSysfsFileException(file, "has " + n + " bytes; the kernel gives 64 (or 128) to a reader without "
                    + "CAP_SYS_ADMIN and 256 or 4096 otherwise, so it is truncated");
        }
        int vendor = u16(bytes, 0);
        int device = u16(bytes, 2);
        if (vendor == 0xffff) {
            throw new MalformedSysfsFileException(file, "vendor ID reads 0xffff: the function is gone or its configuration read failed");
        }
        int headerType = u8(bytes, HEADER_TYPE) & 0x7f;
        int barCount = switch (headerType) {
            case 0 -> 6;
            case 1 -> 2;
            case 2 -> 0;
            default -> throw new MalformedSysfsFileException(file, "header type " + headerType + " is not 0 (endpoint), 1 (bridge) or 2 (CardBus)");
        };
        if (n == UNPRIVILEGED_CARDBUS_LENGTH && headerType != 2) {
            throw new MalformedSysfsFileException(file, "has 128 bytes but is not a CardBus bridge (header type " + headerType + "): truncated");
        }
        int[] bars = new int[barCount];
        for (int i = 0; i < barCount; i++) {
            bars[i] = s32(bytes, BAR0 + 4 * i);
        }
        boolean capsReadable = n >= PCI_LENGTH;
        OptionalInt pcieType = OptionalInt.empty();
        OptionalInt acs = OptionalInt.empty();
        if (capsReadable) {
            int pcie = findCapability(bytes, headerType == 2 ? CARDBUS_CAPABILITY_LIST : CAPABILITY_LIST, CAP_ID_EXP);
            if (pcie != 0) {
                pcieType = OptionalInt.of((u16(bytes, pcie + 2) >>> 4) & 0xf);
            }
            if (n == PCIE_LENGTH) {
                int pos = findExtendedCapability(bytes, EXT_CAP_ID_ACS);
                if (pos != 0) {
                    acs = OptionalInt.of(u16(bytes, pos + ACS_CTRL));
                }
            }
        }
        return new ConfigSpace(n, vendor, device, headerType, bars, capsReadable, pcieType, acs);
    }

    private static int findCapability(byte[] b, int listPointer, int id) {
        if ((u16(b, STATUS) & STATUS_CAP_LIST) == 0) {
            return 0;
        }
        int pos = u8(b, listPointer);
        for (int ttl = CAP_TTL; ttl > 0; ttl--) {
            if (pos < 0x40) {
                return 0;
            }
            pos &= ~3;
            int capId = u8(b, pos);
            if (capId == 0xff) {
                return 0;
            }
            if (capId == id) {
                return pos;
            }
            pos = u8(b, pos + 1);
        }
        return 0;
    }

    private static int findExtendedCapability(byte[] b, int id) {
        int pos = PCI_LENGTH;
        for (int ttl = EXT_CAP_TTL; ttl > 0; ttl--) {
            int header = s32(b, pos);
            // 0 or all ones: no extended capabilities (conventional PCI behind a PCIe bridge, or a failed read).
            if (header == 0 || header == -1) {
                return 0;
            }
            if ((header & 0xffff) == id && pos + ACS_CTRL + 2 <= b.length) {
                return pos;
            }
            pos = (header >>> 20) & 0xffc;
            if (pos < PCI_LENGTH) {
                return 0;
            }
        }
        return 0;
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    private static int s32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }
}
