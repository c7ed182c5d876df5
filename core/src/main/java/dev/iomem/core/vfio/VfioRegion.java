package dev.iomem.core.vfio;

import java.util.List;
import java.util.Objects;

/**
 * One region of a VFIO device, as {@code VFIO_DEVICE_GET_REGION_INFO} reports it. For vfio-pci,
 * indices 0-5 are the BARs, 6 the expansion ROM, 7 config space, 8 VGA.
 *
 * @param index       the region index
 * @param size        the size in bytes; 0 for a region the device does not have
 * @param fileOffset  where the region lies in the device file (for {@code pread}, {@code pwrite}
 *                    and {@code mmap})
 * @param readable    whether the region can be read
 * @param writable    whether the region can be written
 * @param mmappable   whether the kernel allows {@code mmap} of the region (or of its
 *                    {@code sparseAreas})
 * @param sparseAreas the parts that may be mapped, from {@code VFIO_REGION_INFO_CAP_SPARSE_MMAP};
 *                    empty when the capability is absent (then all of a mmappable region may be)
 * @param msixMappable whether the kernel reports {@code VFIO_REGION_INFO_CAP_MSIX_MAPPABLE}
 */
public record VfioRegion(int index, long size, long fileOffset, boolean readable, boolean writable, boolean mmappable,
                         List<Area> sparseAreas, boolean msixMappable) {

    /**
     * A part of a region that may be memory-mapped.
     *
     * @param offset the offset in the region
     * @param size   the size in bytes
     */
    public record Area(long offset, long size) {

        @Override
        public String toString() {
            return "0x" + Long.toHexString(offset) + "+0x" + Long.toHexString(size);
        }
    }

    /**
     * Copies the area list.
     *
     * @throws NullPointerException if {@code sparseAreas} is {@code null}
     */
    public VfioRegion {
        sparseAreas = List.copyOf(Objects.requireNonNull(sparseAreas, "sparseAreas"));
    }

    /** {@return whether the device has this region (its size is not 0)} */
    public boolean present() {
        return size != 0;
    }

    /** {@return the areas that may be memory-mapped: the sparse areas, or the whole region, or none} */
    public List<Area> mappableAreas() {
        if (!mmappable || size == 0) {
            return List.of();
        }
        return sparseAreas.isEmpty() ? List.of(new Area(0, size)) : sparseAreas;
    }

    /** {@return whether all of the region may be memory-mapped} */
    public boolean wholeMappable() {
        List<Area> areas = mappableAreas();
        return areas.size() == 1 && areas.getFirst().offset() == 0 && areas.getFirst().size() >= size;
    }

    /** {@return the region's vfio-pci name: BAR0-5, ROM, config, VGA, or "region N"} */
    public String name() {
        return switch (index) {
            case 0, 1, 2, 3, 4, 5 -> "BAR" + index;
            case 6 -> "ROM";
            case 7 -> "config";
            case 8 -> "VGA";
            default -> "region " + index;
        };
    }
}
