package dev.iomem.core.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/** Reads and parses {@code VFIO_DEVICE_GET_REGION_INFO} with its capability chain. */
final class VfioRegionInfo {

    private static final int MAX_CAPS = 64;

    private VfioRegionInfo() {
    }

    static VfioRegion read(IoctlGateway gw, int fd, int index) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(VfioAbi.REGION_INFO_SIZE, 8);
            info.set(JAVA_INT_UNALIGNED, 0, VfioAbi.REGION_INFO_SIZE);
            info.set(JAVA_INT_UNALIGNED, 8, index);
            try {
                gw.ioctl(fd, VfioAbi.DEVICE_GET_REGION_INFO, info);
            } catch (dev.iomem.core.linux.ErrnoException e) {
                // vfio-pci answers EINVAL for a fixed region the device lacks (VGA on a device
                // without VGA: vfio_pci_ioctl_get_region_info): an absent region, not a failure.
                if (e.errno() == dev.iomem.core.linux.ErrnoException.EINVAL && index >= VfioAbi.PCI_ROM_REGION_INDEX) {
                    return new VfioRegion(index, 0, 0, false, false, false, java.util.List.of(), false);
                }
                throw e;
            }
            long argsz = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, 0));
            if ((info.get(JAVA_INT_UNALIGNED, 4) & VfioAbi.REGION_INFO_FLAG_CAPS) != 0 && argsz > VfioAbi.REGION_INFO_SIZE) {
                if (argsz > (1 << 16)) {
                    throw new VfioException("VFIO_DEVICE_GET_REGION_INFO of region " + index + " asks for " + argsz + " bytes");
                }
                info = a.allocate(argsz, 8);
                info.set(JAVA_INT_UNALIGNED, 0, (int) argsz);
                info.set(JAVA_INT_UNALIGNED, 8, index);
                gw.ioctl(fd, VfioAbi.DEVICE_GET_REGION_INFO, info);
            } else {
                info.set(JAVA_INT_UNALIGNED, 4, info.get(JAVA_INT_UNALIGNED, 4) & ~VfioAbi.REGION_INFO_FLAG_CAPS);
            }
            return parse(info, index);
        }
    }

    /**
     * Parses a {@code struct vfio_region_info} and its capabilities.
     *
     * @throws VfioException if a capability lies outside the structure or the chain loops
     */
    static VfioRegion parse(MemorySegment info, int index) {
        long size = info.byteSize();
        int flags = info.get(JAVA_INT_UNALIGNED, 4);
        List<VfioRegion.Area> areas = new ArrayList<>();
        boolean msix = false;
        if ((flags & VfioAbi.REGION_INFO_FLAG_CAPS) != 0) {
            long offset = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, 12));
            int seen = 0;
            while (offset != 0) {
                if (++seen > MAX_CAPS || offset < VfioAbi.REGION_INFO_SIZE || offset > size - VfioAbi.CAP_HEADER_SIZE) {
                    throw new VfioException("region " + index + ": capability at offset " + offset + " lies outside the "
                            + size + "-byte VFIO_DEVICE_GET_REGION_INFO structure or the chain loops");
                }
                int id = Short.toUnsignedInt(info.get(JAVA_SHORT_UNALIGNED, offset));
                long next = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, offset + 4));
                if (id == VfioAbi.REGION_INFO_CAP_SPARSE_MMAP) {
                    long n = Integer.toUnsignedLong(info.get(JAVA_INT_UNALIGNED, offset + 8));
                    if (16 + 16 * n > size - offset) {
                        throw new VfioException("region " + index + ": the sparse mmap capability is cut off");
                    }
                    for (long i = 0; i < n; i++) {
                        long at = offset + 16 + 16 * i;
                        long s = info.get(JAVA_LONG_UNALIGNED, at + 8);
                        if (s != 0) {
                            areas.add(new VfioRegion.Area(info.get(JAVA_LONG_UNALIGNED, at), s));
                        }
                    }
                } else if (id == VfioAbi.REGION_INFO_CAP_MSIX_MAPPABLE) {
                    msix = true;
                }
                offset = next;
            }
        }
        return new VfioRegion(index, info.get(JAVA_LONG_UNALIGNED, 16), info.get(JAVA_LONG_UNALIGNED, 24),
                (flags & VfioAbi.REGION_INFO_FLAG_READ) != 0, (flags & VfioAbi.REGION_INFO_FLAG_WRITE) != 0,
                (flags & VfioAbi.REGION_INFO_FLAG_MMAP) != 0, areas, msix);
    }
}
