package dev.iomem.core.dma;

/**
 * The VFIO type1 user ABI iomem uses, from include/uapi/linux/vfio.h. Every request is
 * {@code _IO(VFIO_TYPE, VFIO_BASE + n)} with {@code VFIO_TYPE = ';'} and {@code VFIO_BASE = 100};
 * structures are passed by pointer and begin with {@code __u32 argsz}.
 */
final class VfioAbi {

    static final int API_VERSION = 0;
    static final int TYPE1V2_IOMMU = 3;

    // _IO(';', 100 + n)
    static final int NR_GET_API_VERSION = 100;
    static final int NR_CHECK_EXTENSION = 101;
    static final int NR_SET_IOMMU = 102;
    static final int NR_GROUP_GET_STATUS = 103;
    static final int NR_GROUP_SET_CONTAINER = 104;
    static final int NR_IOMMU_GET_INFO = 112;
    static final int NR_IOMMU_MAP_DMA = 113;
    static final int NR_IOMMU_UNMAP_DMA = 114;

    static final long GET_API_VERSION = io(NR_GET_API_VERSION);
    static final long CHECK_EXTENSION = io(NR_CHECK_EXTENSION);
    static final long SET_IOMMU = io(NR_SET_IOMMU);
    static final long GROUP_GET_STATUS = io(NR_GROUP_GET_STATUS);
    static final long GROUP_SET_CONTAINER = io(NR_GROUP_SET_CONTAINER);
    static final long IOMMU_GET_INFO = io(NR_IOMMU_GET_INFO);
    static final long IOMMU_MAP_DMA = io(NR_IOMMU_MAP_DMA);
    static final long IOMMU_UNMAP_DMA = io(NR_IOMMU_UNMAP_DMA);

    /** struct vfio_group_status { u32 argsz; u32 flags; } */
    static final int GROUP_STATUS_SIZE = 8;
    static final int GROUP_FLAGS_VIABLE = 1;

    /** struct vfio_iommu_type1_info { u32 argsz; u32 flags; u64 iova_pgsizes; u32 cap_offset; u32 pad; } */
    static final int INFO_SIZE = 24;
    static final int INFO_FLAG_PGSIZES = 1;
    static final int INFO_FLAG_CAPS = 2;
    static final int INFO_OFFSET_PGSIZES = 8;
    static final int INFO_OFFSET_CAP_OFFSET = 16;
    /** struct vfio_info_cap_header { u16 id; u16 version; u32 next; } */
    static final int CAP_HEADER_SIZE = 8;
    static final int CAP_IOVA_RANGE = 1;
    static final int CAP_DMA_AVAIL = 3;

    /** struct vfio_iommu_type1_dma_map { u32 argsz; u32 flags; u64 vaddr; u64 iova; u64 size; } */
    static final int DMA_MAP_SIZE = 32;
    static final int DMA_MAP_FLAG_READ = 1;
    static final int DMA_MAP_FLAG_WRITE = 2;
    /** struct vfio_iommu_type1_dma_unmap { u32 argsz; u32 flags; u64 iova; u64 size; } */
    static final int DMA_UNMAP_SIZE = 24;

    /** The default of vfio_iommu_type1's {@code dma_entry_limit} module parameter. */
    static final int DEFAULT_DMA_ENTRY_LIMIT = 65535;

    private VfioAbi() {
    }

    /**
     * {@code _IO(';', nr)}: no size, no direction. The direction bits of "none" are 0 at bit 30
     * in asm-generic/ioctl.h (x86, arm64, s390x, riscv) and 1 at bit 29 on powerpc.
     */
    static long io(int nr) {
        long none = switch (System.getProperty("os.arch", "")) {
            case "ppc64", "ppc64le" -> 1L << 29;
            default -> 0L;
        };
        return none | (';' << 8) | nr;
    }

    /** {@return the kernel's name of a VFIO request, for messages} */
    static String requestName(long request) {
        int nr = (int) (request & 0xff);
        if (((request >> 8) & 0xff) != ';') {
            return "0x" + Long.toHexString(request);
        }
        return switch (nr) {
            case NR_GET_API_VERSION -> "VFIO_GET_API_VERSION";
            case NR_CHECK_EXTENSION -> "VFIO_CHECK_EXTENSION";
            case NR_SET_IOMMU -> "VFIO_SET_IOMMU";
            case NR_GROUP_GET_STATUS -> "VFIO_GROUP_GET_STATUS";
            case NR_GROUP_SET_CONTAINER -> "VFIO_GROUP_SET_CONTAINER";
            case NR_IOMMU_GET_INFO -> "VFIO_IOMMU_GET_INFO";
            case NR_IOMMU_MAP_DMA -> "VFIO_IOMMU_MAP_DMA";
            case NR_IOMMU_UNMAP_DMA -> "VFIO_IOMMU_UNMAP_DMA";
            default -> "0x" + Long.toHexString(request);
        };
    }
}
