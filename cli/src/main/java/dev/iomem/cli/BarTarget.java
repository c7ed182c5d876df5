package dev.iomem.cli;

import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.vfio.VfioBinding;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.pci.BarMappingException;
import dev.iomem.core.pci.SysfsBarMapper;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code iomem peek} and {@code iomem poke} address: a BAR ({@code ADDR BAR OFFSET}), mapped
 * through sysfs or, with {@code --vfio}, opened through VFIO; or, with {@code --file PATH}, a file
 * standing in for one ({@code OFFSET}, or {@code ADDR BAR OFFSET} as labels). Every argument is checked here, before any file is opened: a malformed address such
 * as {@code ../../etc} never reaches the file system.
 *
 * @param address the function, or {@code null} with {@code --file} and no address
 * @param bar     the BAR index, or -1 with {@code --file} and no address
 * @param offset  the offset of the first access in the BAR or file
 * @param file    the stand-in file, or {@code null}
 */
record BarTarget(PciAddress address, int bar, long offset, Path file) {

    /**
     * Checks the positional arguments (without a trailing VALUE).
     *
     * @throws BadArgumentException if their number or any of them is wrong
     */
    static BarTarget parse(List<String> args, Path file) {
        if (file == null && args.size() != 3) {
            throw new BadArgumentException("expected ADDR BAR OFFSET (or --file PATH and OFFSET), got " + args.size() + " argument(s)");
        }
        if (file != null && args.size() != 1 && args.size() != 3) {
            throw new BadArgumentException("with --file expected OFFSET or ADDR BAR OFFSET, got " + args.size() + " argument(s)");
        }
        PciAddress address = null;
        int bar = -1;
        if (args.size() == 3) {
            try {
                address = PciAddress.parse(args.get(0));
            } catch (IllegalArgumentException e) {
                throw new BadArgumentException(e.getMessage());
            }
            long b = number("BAR", args.get(1));
            if (b > 5) {
                throw new BadArgumentException("BAR index " + args.get(1) + " is not 0 to 5");
            }
            bar = (int) b;
        }
        long offset = number("OFFSET", args.getLast());
        if (offset < 0) {
            throw new BadArgumentException("OFFSET " + args.getLast() + " is beyond 2^63");
        }
        return new BarTarget(address, bar, offset, file);
    }

    /**
     * Parses a non-negative number: {@code 0x} and hex digits, or decimal digits; up to 64 bits
     * (a 64-bit value is returned as its two's-complement {@code long}).
     *
     * @throws BadArgumentException if {@code text} is not such a number
     */
    static long number(String what, String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                String digits = text.substring(2);
                if (digits.isEmpty() || digits.length() > 16 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80)) {
                    throw new NumberFormatException();
                }
                return Long.parseUnsignedLong(digits, 16);
            }
            if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new BadArgumentException(what + " \"" + text + "\" is not a non-negative number (decimal, or hex with 0x) of at most 64 bits");
        }
    }

    /**
     * {@return the access width for {@code --width} in bits}
     *
     * @throws BadArgumentException if {@code bits} is not 8, 16, 32 or 64
     */
    static Width width(int bits) {
        return switch (bits) {
            case 8 -> Width.BYTE;
            case 16 -> Width.SHORT;
            case 32 -> Width.INT;
            case 64 -> Width.LONG;
            default -> throw new BadArgumentException("--width " + bits + " is not 8, 16, 32 or 64");
        };
    }

    /**
     * Maps the whole BAR or file.
     *
     * @param sysfs    where the BAR's function is
     * @param type     the memory type
     * @param readOnly whether to map read-only
     * @param arena    the arena that owns the mapping
     * @return the mapped window
     * @throws IllegalArgumentException if the stand-in file is empty, or as
     *                                  {@link SysfsBarMapper#mapWhole} says
     * @throws dev.iomem.core.pci.BarMappingException as {@link SysfsBarMapper#mapFile} and
     *                                  {@link SysfsBarMapper#mapWhole} say
     */
    MappedRegion map(SysfsOptions sysfs, MemoryType type, boolean readOnly, Arena arena) {
        if (file != null) {
            long size = SysfsBarMapper.fileSize(file);
            if (size == 0) {
                throw new IllegalArgumentException("file " + file + " is empty: there is nothing to map");
            }
            return SysfsBarMapper.mapFile(file, 0, size, type, readOnly, arena);
        }
        try {
            return new SysfsBarMapper(sysfs.topology()).mapWhole(address, bar, type, readOnly, arena);
        } catch (BarMappingException e) {
            if (boundToVfio(sysfs)) {
                throw new BarMappingException(e.getMessage() + " (" + address + " is bound to vfio-pci: add --vfio to reach it through VFIO)", e);
            }
            throw e;
        }
    }

    private boolean boundToVfio(SysfsOptions sysfs) {
        try {
            return VfioBinding.driverOf(sysfs.sysfs, address).filter(VfioBinding.VFIO_PCI::equals).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks that {@code count} accesses of {@code width} from {@link #offset()} fit the window.
     *
     * @throws IllegalArgumentException if they do not
     */
    void checkFits(MappedRegion region, Width width, long count) {
        checkFits(region.size(), region.description(), width, count);
    }

    /**
     * Checks that {@code count} accesses of {@code width} from {@link #offset()} fit a window of
     * {@code size} bytes (a BAR opened through VFIO).
     *
     * @throws IllegalArgumentException if they do not
     */
    void checkFits(long size, String description, Width width, long count) {
        long bytes = width.bytes();
        if (offset > size || count > (size - offset) / bytes) {
            throw new IllegalArgumentException(description + ": " + count + " access(es) of " + bytes + " byte(s) at offset 0x"
                    + Long.toHexString(offset) + " go beyond its 0x" + Long.toHexString(size) + " bytes");
        }
    }

    /**
     * Checks the options of {@code --vfio} against the rest, before any file is opened.
     *
     * @param vfio           whether {@code --vfio} was given
     * @param open           the VFIO open options
     * @param writeCombining whether {@code --wc} was given
     * @throws BadArgumentException if {@code --vfio} is combined with {@code --file} or
     *                              {@code --wc}, or a VFIO option is given without it
     */
    void checkVfio(boolean vfio, VfioOpenOptions open, boolean writeCombining) {
        if (!vfio) {
            if (open.given()) {
                throw new BadArgumentException("--iommu-path, --dev-vfio and --dev-iommu need --vfio");
            }
            return;
        }
        if (file != null) {
            throw new BadArgumentException("--vfio and --file cannot be combined: --vfio opens the function ADDR through VFIO");
        }
        if (writeCombining) {
            throw new BadArgumentException("--wc cannot be combined with --vfio: VFIO maps BARs uncached");
        }
        open.path();
    }

    /**
     * Opens the function through VFIO.
     *
     * @param sysfs    where its sysfs directory is
     * @param open     the VFIO open options
     * @param platform the platform whose backend drives the BAR
     * @return the device; the caller closes it
     * @throws dev.iomem.core.vfio.VfioException as {@link VfioDevice#open(PciAddress, dev.iomem.core.vfio.VfioDeviceOptions)} says
     */
    VfioDevice openVfio(SysfsOptions sysfs, VfioOpenOptions open, IoPlatform platform) {
        return VfioDevice.open(address, open.options(sysfs.sysfs, platform));
    }
}
