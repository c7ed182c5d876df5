package dev.iomem.core.vfio;

/**
 * The VFIO and iommufd user ABI iomem uses, from include/uapi/linux/vfio.h and
 * include/uapi/linux/iommufd.h. Every request is {@code _IO(';', n)}: VFIO's are
 * {@code VFIO_BASE + k} with {@code VFIO_BASE = 100}, iommufd's {@code 0x80 + k}. Structures are
 * passed by pointer and begin with their own size ({@code argsz} or {@code size}).
 */
public final class VfioAbi {

    static final int API_VERSION = 0;
    static final int TYPE1V2_IOMMU = 3;

    // _IO(';', 100 + n)
    static final int NR_GET_API_VERSION = 100;
    static final int NR_CHECK_EXTENSION = 101;
    static final int NR_SET_IOMMU = 102;
    static final int NR_GROUP_GET_STATUS = 103;
    static final int NR_GROUP_SET_CONTAINER = 104;
    static final int NR_GROUP_UNSET_CONTAINER = 105;
    static final int NR_GROUP_GET_DEVICE_FD = 106;
    static final int NR_DEVICE_GET_INFO = 107;
    static final int NR_DEVICE_GET_REGION_INFO = 108;
    static final int NR_DEVICE_GET_IRQ_INFO = 109;
    static final int NR_DEVICE_SET_IRQS = 110;
    static final int NR_DEVICE_RESET = 111;
    static final int NR_IOMMU_GET_INFO = 112;
    static final int NR_IOMMU_MAP_DMA = 113;
    static final int NR_IOMMU_UNMAP_DMA = 114;
    static final int NR_DEVICE_BIND_IOMMUFD = 118;
    static final int NR_DEVICE_ATTACH_IOMMUFD_PT = 119;
    // _IO(';', 0x80 + n): iommufd
    static final int NR_IOMMU_DESTROY = 0x80;
    static final int NR_IOMMU_IOAS_ALLOC = 0x81;
    static final int NR_IOMMU_IOAS_IOVA_RANGES = 0x84;
    static final int NR_IOMMU_IOAS_MAP = 0x85;
    static final int NR_IOMMU_IOAS_UNMAP = 0x86;

    static final long GET_API_VERSION = io(NR_GET_API_VERSION);
    static final long CHECK_EXTENSION = io(NR_CHECK_EXTENSION);
    static final long SET_IOMMU = io(NR_SET_IOMMU);
    static final long GROUP_GET_STATUS = io(NR_GROUP_GET_STATUS);
    static final long GROUP_SET_CONTAINER = io(NR_GROUP_SET_CONTAINER);
    static final long GROUP_UNSET_CONTAINER = io(NR_GROUP_UNSET_CONTAINER);
    static final long GROUP_GET_DEVICE_FD = io(NR_GROUP_GET_DEVICE_FD);
    static final long DEVICE_GET_INFO = io(NR_DEVICE_GET_INFO);
    static final long DEVICE_GET_REGION_INFO = io(NR_DEVICE_GET_REGION_INFO);
    static final long DEVICE_GET_IRQ_INFO = io(NR_DEVICE_GET_IRQ_INFO);
    static final long DEVICE_SET_IRQS = io(NR_DEVICE_SET_IRQS);
    static final long DEVICE_RESET = io(NR_DEVICE_RESET);
    static final long IOMMU_GET_INFO = io(NR_IOMMU_GET_INFO);
    static final long IOMMU_MAP_DMA = io(NR_IOMMU_MAP_DMA);
    static final long IOMMU_UNMAP_DMA = io(NR_IOMMU_UNMAP_DMA);
    static final long DEVICE_BIND_IOMMUFD = io(NR_DEVICE_BIND_IOMMUFD);
    static final long DEVICE_ATTACH_IOMMUFD_PT = io(NR_DEVICE_ATTACH_IOMMUFD_PT);
    static final long IOMMU_DESTROY = io(NR_IOMMU_DESTROY);
    static final long IOMMU_IOAS_ALLOC = io(NR_IOMMU_IOAS_ALLOC);
    static final long IOMMU_IOAS_IOVA_RANGES = io(NR_IOMMU_IOAS_IOVA_RANGES);
    static final long IOMMU_IOAS_MAP = io(NR_IOMMU_IOAS_MAP);
    static final long IOMMU_IOAS_UNMAP = io(NR_IOMMU_IOAS_UNMAP);

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
    public static final int DEFAULT_DMA_ENTRY_LIMIT = 65535;

    /** struct vfio_device_info { u32 argsz, flags, num_regions, num_irqs, cap_offset, pad; } */
    static final int DEVICE_INFO_SIZE = 24;
    static final int DEVICE_FLAGS_RESET = 1;
    static final int DEVICE_FLAGS_PCI = 2;
    /** struct vfio_region_info { u32 argsz, flags, index, cap_offset; u64 size, offset; } */
    static final int REGION_INFO_SIZE = 32;
    static final int REGION_INFO_FLAG_READ = 1;
    static final int REGION_INFO_FLAG_WRITE = 2;
    static final int REGION_INFO_FLAG_MMAP = 4;
    static final int REGION_INFO_FLAG_CAPS = 8;
    static final int REGION_INFO_CAP_SPARSE_MMAP = 1;
    static final int REGION_INFO_CAP_MSIX_MAPPABLE = 3;
    /** struct vfio_irq_info { u32 argsz, flags, index, count; } */
    static final int IRQ_INFO_SIZE = 16;
    static final int IRQ_INFO_EVENTFD = 1;
    static final int IRQ_INFO_MASKABLE = 2;
    static final int IRQ_INFO_AUTOMASKED = 4;
    static final int IRQ_INFO_NORESIZE = 8;
    /** struct vfio_irq_set { u32 argsz, flags, index, start, count; u8 data[]; } */
    static final int IRQ_SET_HEADER_SIZE = 20;
    static final int IRQ_SET_DATA_NONE = 1;
    static final int IRQ_SET_DATA_BOOL = 2;
    static final int IRQ_SET_DATA_EVENTFD = 4;
    static final int IRQ_SET_ACTION_MASK = 8;
    static final int IRQ_SET_ACTION_UNMASK = 16;
    static final int IRQ_SET_ACTION_TRIGGER = 32;

    /** vfio-pci's fixed region indices (enum in vfio.h): BAR0-5, ROM, config, VGA. */
    static final int PCI_ROM_REGION_INDEX = 6;
    static final int PCI_CONFIG_REGION_INDEX = 7;

    /** struct vfio_device_bind_iommufd { u32 argsz, flags; s32 iommufd; u32 out_devid; } */
    static final int BIND_IOMMUFD_SIZE = 16;
    /** struct vfio_device_attach_iommufd_pt { u32 argsz, flags, pt_id; } */
    static final int ATTACH_IOMMUFD_PT_SIZE = 12;
    /** struct iommu_ioas_alloc { u32 size, flags, out_ioas_id; } */
    static final int IOAS_ALLOC_SIZE = 12;
    /** struct iommu_destroy { u32 size, id; } */
    static final int DESTROY_SIZE = 8;
    /** struct iommu_ioas_iova_ranges { u32 size, ioas_id, num_iovas, reserved; u64 allowed_iovas, out_iova_alignment; } */
    static final int IOAS_IOVA_RANGES_SIZE = 32;
    /** struct iommu_ioas_map { u32 size, flags, ioas_id, reserved; u64 user_va, length, iova; } */
    static final int IOAS_MAP_SIZE = 40;
    static final int IOAS_MAP_FIXED_IOVA = 1;
    static final int IOAS_MAP_WRITEABLE = 2;
    static final int IOAS_MAP_READABLE = 4;
    /** struct iommu_ioas_unmap { u32 size, ioas_id; u64 iova, length; } */
    static final int IOAS_UNMAP_SIZE = 24;

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

    /**
     * {@return the kernel's name of a VFIO or iommufd request, for messages}
     *
     * @param request the request number
     */
    public static String requestName(long request) {
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
            case NR_GROUP_UNSET_CONTAINER -> "VFIO_GROUP_UNSET_CONTAINER";
            case NR_GROUP_GET_DEVICE_FD -> "VFIO_GROUP_GET_DEVICE_FD";
            case NR_DEVICE_GET_INFO -> "VFIO_DEVICE_GET_INFO";
            case NR_DEVICE_GET_REGION_INFO -> "VFIO_DEVICE_GET_REGION_INFO";
            case NR_DEVICE_GET_IRQ_INFO -> "VFIO_DEVICE_GET_IRQ_INFO";
            case NR_DEVICE_SET_IRQS -> "VFIO_DEVICE_SET_IRQS";
            case NR_DEVICE_RESET -> "VFIO_DEVICE_RESET";
            case NR_IOMMU_GET_INFO -> "VFIO_IOMMU_GET_INFO";
            case NR_IOMMU_MAP_DMA -> "VFIO_IOMMU_MAP_DMA";
            case NR_IOMMU_UNMAP_DMA -> "VFIO_IOMMU_UNMAP_DMA";
            case NR_DEVICE_BIND_IOMMUFD -> "VFIO_DEVICE_BIND_IOMMUFD";
            case NR_DEVICE_ATTACH_IOMMUFD_PT -> "VFIO_DEVICE_ATTACH_IOMMUFD_PT";
            case NR_IOMMU_DESTROY -> "IOMMU_DESTROY";
            case NR_IOMMU_IOAS_ALLOC -> "IOMMU_IOAS_ALLOC";
            case NR_IOMMU_IOAS_IOVA_RANGES -> "IOMMU_IOAS_IOVA_RANGES";
            case NR_IOMMU_IOAS_MAP -> "IOMMU_IOAS_MAP";
            case NR_IOMMU_IOAS_UNMAP -> "IOMMU_IOAS_UNMAP";
            default -> "0x" + Long.toHexString(request);
        };
    }
}
